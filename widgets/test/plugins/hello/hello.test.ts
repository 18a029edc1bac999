import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerHello } from '../../../src/plugins/hello/hello';
import { flush, makeBus, reasonOf } from '../../helpers';

describe('Hello', () => {
  afterEach(() => {
    delete document.documentElement.dataset['frontdeskHello'];
  });

  it('greets by name and rejects a missing or empty name', async () => {
    const { bus } = makeBus();
    registerHello(bus, document.documentElement);

    await expect(bus.command('Hello.greet', { name: 'Ada' })).resolves.toEqual({
      greeting: 'Hello, Ada',
    });
    for (const options of [{}, { name: '' }, { name: '  ' }, { name: 42 }]) {
      expect(await reasonOf(bus.command('Hello.greet', options))).toMatch(/non-empty "name"/);
    }
  });

  it('marks the page and republishes Hello.ready for late subscribers', async () => {
    const { bus } = makeBus();
    registerHello(bus, document.documentElement);
    expect(document.documentElement.dataset['frontdeskHello']).toBe('loaded');

    const ready = vi.fn();
    bus.subscribe('Hello.ready', ready);
    await flush();
    expect(ready).toHaveBeenCalledWith(expect.objectContaining({ publisher: 'Hello' }));
    expect(registerHello(bus, document.documentElement)).toBe(false);
  });

  it('arrives from pluginsPath when a command asks for it', async () => {
    const { bus, scripts, loadScript } = makeBus('/static/widgets/plugins/');
    scripts['/static/widgets/plugins/hello.min.js'] = () => {
      registerHello(bus, document.documentElement);
    };

    await expect(bus.command('Hello.greet', { name: 'Grace' })).resolves.toEqual({
      greeting: 'Hello, Grace',
    });
    expect(loadScript).toHaveBeenCalledWith('/static/widgets/plugins/hello.min.js');
  });
});
