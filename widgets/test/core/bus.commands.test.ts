import { describe, expect, it, vi } from 'vitest';
import * as reasons from '../../src/core/reasons';
import type { CommandCall } from '../../src/core/types';
import { flush, makeBus, plugin, reasonOf } from '../helpers';

describe('commands', () => {
  it('calls the handler with time, commander, command, deferred and data', async () => {
    const { bus } = makeBus();
    const target = plugin(bus, 'Target');
    const calls: CommandCall[] = [];
    target.registerCommand('echo', (call) => {
      calls.push(call);
      call.deferred.resolve(call.data);
    });
    target.ready();

    await expect(bus.command('Target.echo', { a: 1 })).resolves.toEqual({ a: 1 });
    await plugin(bus, 'Caller').command('Target.echo');

    expect(calls.map((c) => [c.commander, c.command, c.data])).toEqual([
      ['CXBus', 'Target.echo', { a: 1 }],
      ['Caller', 'Target.echo', {}],
    ]);
    expect(typeof calls[0]?.time).toBe('number');
  });

  it('prefixes a bare command name with the caller namespace', async () => {
    const { bus } = makeBus();
    const own = plugin(bus, 'Own');
    own.registerCommand('ping', ({ deferred, commander }) => deferred.resolve(commander));
    own.ready();

    await expect(own.command('ping')).resolves.toBe('Own');
    expect(await reasonOf(bus.command('ping'))).toBe(reasons.BAD_PATH);
  });

  it('holds commands to a plugin that is not ready and runs them in order on ready()', async () => {
    const { bus } = makeBus();
    const slow = plugin(bus, 'Slow');
    const seen: unknown[] = [];
    slow.registerCommand('note', ({ data, deferred }) => {
      seen.push(data['n']);
      deferred.resolve(data['n']);
    });
    const first = bus.command('Slow.note', { n: 1 });
    const second = bus.command('Slow.note', { n: 2 });
    await flush();
    expect(seen).toEqual([]);

    slow.ready();
    slow.ready();
    expect(seen).toEqual([1, 2]);
    await expect(Promise.all([first, second])).resolves.toEqual([1, 2]);
  });

  it('rejects a command that does not exist instead of hanging', async () => {
    const { bus } = makeBus();
    plugin(bus, 'Known').ready();

    const reason = await reasonOf(bus.command('Known.missing'));
    expect(reason).toBe(`${reasons.NO_SUCH_COMMAND}: Known.missing`);
  });

  it('gives every plugin COMMANDS, EVENTS and LOAD', async () => {
    const { bus } = makeBus();
    const p = plugin(bus, 'Lists');
    p.registerCommand('open', ({ deferred }) => deferred.resolve());
    p.registerEvents(['opened', 'closed']);
    p.ready();

    await expect(bus.command('Lists.COMMANDS')).resolves.toEqual([
      'COMMANDS',
      'EVENTS',
      'LOAD',
      'open',
    ]);
    await expect(bus.command('Lists.EVENTS')).resolves.toEqual(['opened', 'closed']);
    await expect(bus.command('Lists.LOAD')).resolves.toBeUndefined();
    expect(p.registerCommand('LOAD', () => undefined)).toBe(false);
  });

  it('contains an exception thrown by a handler and rejects', async () => {
    const { bus } = makeBus();
    const p = plugin(bus, 'Broken');
    p.registerCommand('explode', () => {
      throw new Error('boom');
    });
    p.ready();

    expect(await reasonOf(bus.command('Broken.explode'))).toBe(
      `${reasons.HANDLER_FAILED}: Broken.explode`,
    );
  });

  it('logs a contained exception only in debug mode', async () => {
    const { bus } = makeBus();
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const p = plugin(bus, 'Loud');
    p.registerCommand('explode', () => {
      throw new Error('boom');
    });
    p.ready();

    await reasonOf(bus.command('Loud.explode'));
    expect(error).not.toHaveBeenCalled();
    bus.configure({ debug: true });
    await reasonOf(bus.command('Loud.explode'));
    expect(error).toHaveBeenCalledWith('[CXBus]', expect.any(Error));
  });
});

describe('before hooks', () => {
  function target() {
    const { bus } = makeBus();
    const p = plugin(bus, 'Form');
    const handler = vi.fn(({ data, deferred }: CommandCall) => deferred.resolve(data));
    p.registerCommand('submit', handler);
    p.ready();
    return { bus, handler };
  }

  it('run in registration order and may change the options', async () => {
    const { bus, handler } = target();
    const hooks = plugin(bus, 'Hooks');
    hooks.before('Form.submit', (options) => ({ ...options, trail: ['first'] }));
    hooks.before('Form.submit', (options) => {
      options['trail'] = [...(options['trail'] as string[]), 'second'];
      return options;
    });

    await expect(bus.command('Form.submit', { name: 'Ada' })).resolves.toEqual({
      name: 'Ada',
      trail: ['first', 'second'],
    });
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('cancel the command when one returns something that is not an object', async () => {
    const { bus, handler } = target();
    const hooks = plugin(bus, 'Hooks');
    const later = vi.fn((options: Record<string, unknown>) => options);
    hooks.before('Form.submit', () => false);
    hooks.before('Form.submit', later);

    expect(await reasonOf(bus.command('Form.submit'))).toBe(reasons.CANCELLED);
    expect(later).not.toHaveBeenCalled();
    expect(handler).not.toHaveBeenCalled();
  });

  it('cancel the command when one throws', async () => {
    const { bus, handler } = target();
    plugin(bus, 'Hooks').before('Form.submit', () => {
      throw new Error('bad hook');
    });

    expect(await reasonOf(bus.command('Form.submit'))).toBe(reasons.CANCELLED);
    expect(handler).not.toHaveBeenCalled();
  });

  it('apply to a bare path in the hooking plugin namespace and refuse bad input', async () => {
    const { bus } = makeBus();
    const own = plugin(bus, 'Own');
    own.registerCommand('go', ({ data, deferred }) => deferred.resolve(data));
    own.ready();
    expect(own.before('go', (options) => ({ ...options, hooked: true }))).toBe(true);
    expect(own.before('a.b.c', (options) => options)).toBe(false);
    expect(own.before('Own.go', 'nope' as never)).toBe(false);

    await expect(bus.command('Own.go')).resolves.toEqual({ hooked: true });
  });
});

describe('registration and bad input', () => {
  it('refuses taken, reserved and malformed plugin names', () => {
    const { bus } = makeBus();
    expect(bus.registerPlugin('WebChat')).not.toBe(false);
    expect(bus.registerPlugin('WebChat')).toBe(false);
    expect(bus.registerPlugin('webchat')).toBe(false);
    expect(bus.registerPlugin('CXBus')).toBe(false);
    for (const bad of ['', 'a.b', 'has space', 42, null, undefined, {}]) {
      expect(bus.registerPlugin(bad as string)).toBe(false);
    }
  });

  it('refuses duplicate and malformed commands', () => {
    const { bus } = makeBus();
    const p = plugin(bus, 'P');
    expect(p.registerCommand('go', () => undefined)).toBe(true);
    expect(p.registerCommand('go', () => undefined)).toBe(false);
    expect(p.registerCommand('a.b', () => undefined)).toBe(false);
    expect(p.registerCommand('x', 'not a function' as never)).toBe(false);
    expect(p.registerEvents('opened')).toBe(true);
    expect(p.registerEvents([1] as never)).toBe(false);
  });

  it('rejects malformed paths and options without throwing', async () => {
    const { bus } = makeBus();
    plugin(bus, 'P').ready();
    for (const path of [42, null, undefined, {}, '', '.x', 'P.', 'P.a.b', 'P.has space']) {
      expect(await reasonOf(bus.command(path as string))).toBe(reasons.BAD_PATH);
    }
    for (const options of ['text', 7, true]) {
      expect(await reasonOf(bus.command('P.LOAD', options as never))).toBe(reasons.BAD_OPTIONS);
    }
    await expect(bus.command('P.LOAD', null as never)).resolves.toBeUndefined();
  });

  it('ignores malformed configuration', async () => {
    const { bus, loadScript } = makeBus('/base/');
    bus.configure(null as never);
    bus.configure({ pluginsPath: 42, debug: 'yes', pluginMap: 'x' } as never);
    await reasonOf(bus.command('Nowhere.open'));
    expect(loadScript).toHaveBeenCalledWith('/base/nowhere.min.js');
  });
});
