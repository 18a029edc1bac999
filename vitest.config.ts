import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['widgets/test/**/*.test.ts', 'desk/test/**/*.test.ts'],
    environment: 'happy-dom',
    restoreMocks: true,
  },
});
