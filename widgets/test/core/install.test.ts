import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBus } from '../../src/core/bus';

describe('install', () => {
  afterEach(() => {
    delete window.CXBus;
    vi.resetModules();
  });

  it('puts a bus on window.CXBus', async () => {
    expect(window.CXBus).toBeUndefined();
    await import('../../src/core/install');
    expect(typeof window.CXBus?.command).toBe('function');
    expect(window.CXBus?.registerPlugin('First')).not.toBe(false);
  });

  it('keeps a bus that is already there', async () => {
    const existing = createBus({ loadScript: async () => undefined });
    window.CXBus = existing;
    await import('../../src/core/install');
    expect(window.CXBus).toBe(existing);
  });
});
