import { describe, expect, it, vi } from 'vitest';
import type { BusEvent } from '../../src/core/types';
import { flush, makeBus, plugin } from '../helpers';

describe('plugin data', () => {
  it('publishes the change as Plugin.data, Plugin.data.key and Plugin.data.key:value', async () => {
    const { bus } = makeBus();
    const app = plugin(bus, 'App');
    const events: BusEvent[] = [];
    for (const name of ['App.data', 'App.data.language', "App.data.language:'fr'"]) {
      bus.subscribe(name, (e) => events.push(e));
    }

    app.data('language', 'en');
    expect(app.data('language', 'fr')).toBe('fr');
    await flush();

    const changes = events.map((e) => [e.event, e.data]);
    expect(changes).toEqual([
      ['App.data', { key: 'language', last: undefined, value: 'en', time: expect.any(Number) }],
      ['App.data.language', { last: undefined, value: 'en', time: expect.any(Number) }],
      ['App.data', { key: 'language', last: 'en', value: 'fr', time: expect.any(Number) }],
      ['App.data.language', { last: 'en', value: 'fr', time: expect.any(Number) }],
      ["App.data.language:'fr'", { last: 'en', value: 'fr', time: expect.any(Number) }],
    ]);
  });

  it('publishes nothing when the value does not change', async () => {
    const { bus } = makeBus();
    const chat = plugin(bus, 'WebChat');
    chat.data('open', true);
    const callback = vi.fn();
    bus.subscribe('WebChat.data.open', callback);
    bus.subscribe('WebChat.data.open:true', callback);

    chat.data('open', true);
    await flush();
    expect(callback).not.toHaveBeenCalled();

    chat.data('open', false);
    await flush();
    expect(callback).toHaveBeenCalledTimes(1);
  });

  it('is readable by the owner, by other plugins and through CXBus.data', () => {
    const { bus } = makeBus();
    const service = plugin(bus, 'WebChatService');
    const other = plugin(bus, 'WebChat');
    const capabilities = { typing: true };
    service.data('capabilities', capabilities);

    expect(service.data('capabilities')).toBe(capabilities);
    expect(other.data('WebChatService.capabilities')).toBe(capabilities);
    expect(bus.data('WebChatService.capabilities')).toBe(capabilities);
    expect(bus.data('WebChatService.missing')).toBeUndefined();
    expect(bus.data(42 as never)).toBeUndefined();
  });

  it('refuses malformed keys', () => {
    const { bus } = makeBus();
    const p = plugin(bus, 'P');
    expect(p.data('a.b', 1)).toBeUndefined();
    expect(p.data('', 1)).toBeUndefined();
    expect(bus.data('P.a.b')).toBeUndefined();
  });
});
