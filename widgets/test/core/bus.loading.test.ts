import { describe, expect, it } from 'vitest';
import * as reasons from '../../src/core/reasons';
import type { CXBusGlobal, PluginInterface } from '../../src/core/types';
import { flush, makeBus, plugin, reasonOf } from '../helpers';

/** A stand-in plugin file: registers `name` with an `echo` command, ready unless told not. */
function pluginFile(bus: CXBusGlobal, name: string, ready = true) {
  return () => {
    const p = plugin(bus, name);
    p.registerCommand('echo', ({ data, deferred }) => deferred.resolve(data));
    if (ready) p.ready();
  };
}

describe('lazy loading by command', () => {
  it('loads <pluginsPath><lower-cased name>.min.js once and replays every waiting command', async () => {
    const { bus, scripts, loadScript } = makeBus();
    scripts['/widgets/plugins/webchat.min.js'] = pluginFile(bus, 'WebChat');

    const results = await Promise.all([
      bus.command('WebChat.echo', { n: 1 }),
      bus.command('WebChat.echo', { n: 2 }),
    ]);

    expect(results).toEqual([{ n: 1 }, { n: 2 }]);
    expect(loadScript).toHaveBeenCalledTimes(1);
    expect(loadScript).toHaveBeenCalledWith('/widgets/plugins/webchat.min.js');
  });

  it('finds App in widgets-core.min.js, sharing a load already under way', async () => {
    const { bus, scripts, loadScript } = makeBus();
    scripts['/widgets/plugins/widgets-core.min.js'] = pluginFile(bus, 'App');
    const loading = bus.loadPlugin('widgets-core');
    await expect(bus.command('App.echo', { early: true })).resolves.toEqual({ early: true });
    await expect(loading).resolves.toBe('widgets-core');
    expect(loadScript).toHaveBeenCalledTimes(1);
  });

  it('holds the replayed command until the loaded plugin is ready', async () => {
    const { bus, scripts } = makeBus();
    let loaded: PluginInterface | undefined;
    scripts['/widgets/plugins/slow.min.js'] = () => {
      loaded = plugin(bus, 'Slow');
      loaded.registerCommand('echo', ({ data, deferred }) => deferred.resolve(data));
    };
    let settled = false;
    const pending = bus.command('Slow.echo', { ok: true }).always(() => (settled = true));
    await flush();
    expect(settled).toBe(false);
    expect(loaded?.registry()['Slow']?.ready).toBe(false);

    loaded?.ready();
    await expect(pending).resolves.toEqual({ ok: true });
  });

  it('rejects with the Genesys reason when the file cannot be loaded, and may retry', async () => {
    const { bus, scripts, loadScript } = makeBus();
    expect(await reasonOf(bus.command('Later.echo'))).toBe(reasons.LOAD_FAILED);

    scripts['/widgets/plugins/later.min.js'] = pluginFile(bus, 'Later');
    await expect(bus.command('Later.echo', { again: 1 })).resolves.toEqual({ again: 1 });
    expect(loadScript).toHaveBeenCalledTimes(2);
  });

  it('rejects when the loader throws instead of returning a promise', async () => {
    const { bus, loadScript } = makeBus();
    loadScript.mockImplementationOnce(() => {
      throw new Error('sync failure');
    });
    expect(await reasonOf(bus.command('Any.echo'))).toBe(reasons.LOAD_FAILED);
  });

  it('rejects when the file loads but does not register the plugin', async () => {
    const { bus, scripts } = makeBus();
    scripts['/widgets/plugins/quiet.min.js'] = () => undefined;
    expect(await reasonOf(bus.command('Quiet.echo'))).toBe(`${reasons.NOT_REGISTERED}: Quiet`);
    // The file is loaded now; a second command fails the same way without loading again.
    expect(await reasonOf(bus.command('Quiet.echo'))).toBe(`${reasons.NOT_REGISTERED}: Quiet`);
  });

  it('follows pluginMap URLs, blocks names mapped to false, and uses pluginFilenameFormat', async () => {
    const { bus, scripts, loadScript } = makeBus();
    bus.configure({
      pluginsPath: '/cdn/plugins',
      pluginFilenameFormat: 'plugin.v2.js',
      pluginMap: { Mapped: '/elsewhere/mapped.js', blocked: false, bad: 42 as never },
    });
    scripts['/elsewhere/mapped.js'] = pluginFile(bus, 'Mapped');
    scripts['/cdn/plugins/plain.v2.js'] = pluginFile(bus, 'Plain');

    await expect(bus.command('Mapped.echo')).resolves.toEqual({});
    await expect(bus.command('Plain.echo')).resolves.toEqual({});
    expect(await reasonOf(bus.command('Blocked.echo'))).toBe(reasons.LOAD_FAILED);
    expect(await reasonOf(bus.command('Bad.echo'))).toBe(reasons.LOAD_FAILED);
    expect(loadScript.mock.calls.map(([url]) => url)).toEqual([
      '/elsewhere/mapped.js',
      '/cdn/plugins/plain.v2.js',
      '/cdn/plugins/bad.v2.js',
    ]);
  });
});

describe('loadPlugin and loadFile', () => {
  it('loadPlugin loads the file and resolves with the name', async () => {
    const { bus, scripts, loadScript } = makeBus();
    scripts['/widgets/plugins/widgets-core.min.js'] = pluginFile(bus, 'App');
    await expect(bus.loadPlugin('widgets-core')).resolves.toBe('widgets-core');
    expect(loadScript).toHaveBeenCalledWith('/widgets/plugins/widgets-core.min.js');
  });

  it('loadPlugin rejects what is already loaded, loading or registered', async () => {
    const { bus, scripts } = makeBus();
    scripts['/widgets/plugins/one.min.js'] = () => undefined;
    plugin(bus, 'WebChat');

    const first = bus.loadPlugin('one');
    const already = `${reasons.ALREADY_LOADED}: one`;
    expect(await reasonOf(bus.loadPlugin('one'))).toBe(already);
    await first;
    expect(await reasonOf(bus.loadPlugin('one'))).toBe(already);
    expect(await reasonOf(bus.loadPlugin('webchat'))).toBe(`${reasons.ALREADY_LOADED}: webchat`);
  });

  it('loadPlugin rejects bad names, blocked names and missing files', async () => {
    const { bus } = makeBus();
    bus.configure({ pluginMap: { off: false } });
    expect(await reasonOf(bus.loadPlugin(7 as never))).toBe(reasons.BAD_NAME);
    expect(await reasonOf(bus.loadPlugin('../x'))).toBe(reasons.BAD_NAME);
    expect(await reasonOf(bus.loadPlugin('off'))).toBe(reasons.LOAD_FAILED);
    expect(await reasonOf(bus.loadPlugin('missing'))).toBe(reasons.LOAD_FAILED);
  });

  it('loadFile loads any URL once and rejects bad ones', async () => {
    const { bus, scripts, loadScript } = makeBus();
    scripts['https://cdn.example.test/extra.js'] = () => undefined;
    await expect(bus.loadFile('https://cdn.example.test/extra.js')).resolves.toBe(
      'https://cdn.example.test/extra.js',
    );
    await bus.loadFile('https://cdn.example.test/extra.js');
    expect(loadScript).toHaveBeenCalledTimes(1);
    expect(await reasonOf(bus.loadFile(''))).toBe(reasons.BAD_URL);
    expect(await reasonOf(bus.loadFile({} as never))).toBe(reasons.BAD_URL);
    expect(await reasonOf(bus.loadFile('/missing.js'))).toBe(reasons.LOAD_FAILED);
  });
});
