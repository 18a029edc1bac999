import { describe, expect, it, vi } from 'vitest';
import type { BusEvent } from '../../src/core/types';
import { flush, makeBus, plugin } from '../helpers';

describe('events', () => {
  it('deliver {time, publisher, event, data} after the publisher returns', async () => {
    const { bus } = makeBus();
    const chat = plugin(bus, 'Chat');
    const received: BusEvent[] = [];
    expect(bus.subscribe('Chat.opened', (e) => received.push(e))).toBe('Chat.opened');

    expect(chat.publish('opened', { id: 1 })).toBe(true);
    expect(received).toEqual([]);
    await flush();

    expect(received).toEqual([
      { time: expect.any(Number), publisher: 'Chat', event: 'Chat.opened', data: { id: 1 } },
    ]);
  });

  it('deliver synchronously when async is off', () => {
    const { bus } = makeBus();
    bus.configure({ async: false });
    const chat = plugin(bus, 'Chat');
    const callback = vi.fn();
    bus.subscribe('Chat.opened', callback);
    chat.publish('Chat.opened', 1);
    expect(callback).toHaveBeenCalledWith(expect.objectContaining({ event: 'Chat.opened' }));
  });

  it('give late subscribers the last republished payload, and only that', async () => {
    const { bus } = makeBus();
    const app = plugin(bus, 'App');
    app.republish('ready', { n: 1 });
    app.republish('ready', { n: 2 });
    app.publish('closed', {});

    const ready = vi.fn();
    const closed = vi.fn();
    bus.subscribe('App.ready', ready);
    bus.subscribe('App.closed', closed);
    await flush();

    expect(ready).toHaveBeenCalledTimes(1);
    expect(ready).toHaveBeenCalledWith(expect.objectContaining({ data: { n: 2 } }));
    expect(closed).not.toHaveBeenCalled();
  });

  it('accept the legacy cx.plugin. prefix and bare names of the own namespace', async () => {
    const { bus } = makeBus();
    const chat = plugin(bus, 'WebChat');
    const legacy = vi.fn();
    const own = vi.fn();
    expect(bus.subscribe('cx.plugin.WebChat.ready', legacy)).toBe('WebChat.ready');
    expect(chat.subscribe('ready', own)).toBe('WebChat.ready');

    chat.republish('ready');
    await flush();
    expect(legacy).toHaveBeenCalledTimes(1);
    expect(own).toHaveBeenCalledTimes(1);
  });

  it('contain a subscriber exception and still reach the other subscribers', async () => {
    const { bus } = makeBus();
    const chat = plugin(bus, 'Chat');
    const after = vi.fn();
    bus.subscribe('Chat.opened', () => {
      throw new Error('subscriber bug');
    });
    bus.subscribe('Chat.opened', after);

    chat.publish('opened');
    await flush();
    expect(after).toHaveBeenCalledTimes(1);

    bus.configure({ async: false });
    expect(() => chat.publish('opened')).not.toThrow();
    expect(after).toHaveBeenCalledTimes(2);
  });

  it('stop after unsubscribe, including deliveries already queued', async () => {
    const { bus } = makeBus();
    const chat = plugin(bus, 'Chat');
    const listener = plugin(bus, 'Listener');
    const kept = vi.fn();
    const dropped = vi.fn();
    listener.subscribe('Chat.opened', dropped);
    bus.subscribe('Chat.opened', kept);

    chat.publish('opened');
    expect(listener.unsubscribe('Chat.opened')).toBe(true);
    expect(listener.unsubscribe('Chat.opened')).toBe(false);
    chat.publish('opened');
    await flush();

    expect(dropped).not.toHaveBeenCalled();
    expect(kept).toHaveBeenCalledTimes(2);
  });

  it('unsubscribe only the given callback when one is passed', async () => {
    const { bus } = makeBus();
    const chat = plugin(bus, 'Chat');
    const listener = plugin(bus, 'Listener');
    const one = vi.fn();
    const two = vi.fn();
    listener.subscribe('Chat.opened', one);
    listener.subscribe('Chat.opened', two);

    expect(listener.unsubscribe('cx.plugin.Chat.opened', one)).toBe(true);
    chat.publish('opened');
    await flush();
    expect(one).not.toHaveBeenCalled();
    expect(two).toHaveBeenCalledTimes(1);
  });

  it('refuse bad subscriptions and publications without throwing', () => {
    const { bus } = makeBus();
    const chat = plugin(bus, 'Chat');
    for (const name of ['', 'noNamespace', '.x', 'Chat.', 42, null]) {
      expect(bus.subscribe(name as string, () => undefined)).toBe(false);
    }
    expect(bus.subscribe('Chat.opened', 'not a function' as never)).toBe(false);
    expect(chat.publish('' as string)).toBe(false);
    expect(chat.publish(42 as never)).toBe(false);
    expect('publish' in bus).toBe(false);
  });

  it('list every plugin with its commands and events in registry()', () => {
    const { bus } = makeBus();
    const a = plugin(bus, 'A');
    const b = plugin(bus, 'B');
    a.registerCommand('open', ({ deferred }) => deferred.resolve());
    a.registerEvents(['opened']);
    b.ready();

    expect(b.registry()).toEqual({
      A: { commands: ['COMMANDS', 'EVENTS', 'LOAD', 'open'], events: ['opened'], ready: false },
      B: { commands: ['COMMANDS', 'EVENTS', 'LOAD'], events: [], ready: true },
    });
    expect(a.namespace()).toBe('A');
  });
});
