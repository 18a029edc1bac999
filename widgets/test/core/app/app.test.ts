import { afterEach, describe, expect, it, vi } from 'vitest';
import { AUTO_LOAD_LIST, INVALID_THEME, NOT_READY, startApp } from '../../../src/core/app/app';
import { commonOf } from '../../../src/core/common';
import { createUIHost } from '../../../src/core/ui_host';
import { fakeJar } from '../../fake_jar';
import { flush, makeBus, plugin, reasonOf } from '../../helpers';

function start(widgets: Record<string, unknown> = {}, cookies: Record<string, string> = {}) {
  window._genesys = { widgets };
  const fake = fakeJar('localhost');
  for (const [name, value] of Object.entries(cookies)) fake.jar.write(`${name}=${value}; Path=/`);
  const made = makeBus();
  const app = startApp(made.bus, window, { jar: fake.jar });
  if (!app) throw new Error('App did not start');
  return { ...made, app, fake };
}

async function ready(bus: ReturnType<typeof makeBus>['bus']) {
  const seen = vi.fn();
  bus.subscribe('App.ready', seen);
  await vi.waitFor(() => expect(seen).toHaveBeenCalled());
  return seen.mock.calls[0]?.[0];
}

afterEach(() => {
  delete window._genesys;
  document.body.innerHTML = '';
  vi.useRealTimers();
});

describe('start-up', () => {
  it('republishes App.ready with the whole config and registers only once', async () => {
    const config = { main: { theme: 'light' }, webchat: { x: 1 } };
    const { bus, app } = start(config);
    expect((await ready(bus)).data).toBe(config);
    expect(app.data('ready')).toBe(true);
    expect(startApp(bus, window)).toBe(false);
  });

  it('falls back to _genesys.cxwidget and merges global, app and main (main wins)', async () => {
    window._genesys = {
      cxwidget: { global: { theme: 'light', lang: 'de' }, main: { lang: 'ar' } },
    };
    const { bus } = makeBus();
    startApp(bus, window, { jar: fakeJar('localhost').jar });
    await ready(bus);
    await expect(bus.command('App.getTheme')).resolves.toBe('light');
    expect(bus.data('App.language')).toBe('ar');
  });

  it('shares cookies, UI host and languages as _genesys.widgets.common', async () => {
    const { bus } = start({ main: { deploymentID: 'd1' } });
    await ready(bus);
    const common = commonOf(window);
    expect(common?.cookies.name('x')).toBe('d1._genesys.widgets.x');
    expect(common?.t('app', 'close')).toBe('Close');
  });

  it('calls onReady with the QuickBus interface, also kept as _genesys.widgets.bus', async () => {
    const onReady = vi.fn();
    const { bus } = start({ onReady });
    await ready(bus);
    await vi.waitFor(() => expect(onReady).toHaveBeenCalledTimes(1));
    const quick = onReady.mock.calls[0]?.[0];
    expect(quick.namespace()).toBe('QuickBus');
    expect(quick.registerPlugin).toBe(bus.registerPlugin);
    expect(window._genesys?.widgets?.['bus']).toBe(quick);
  });

  it('runs extension functions with the bus before App.ready', async () => {
    const order: string[] = [];
    const { bus } = start({
      extensions: {
        Mine: (_$: unknown, cx: typeof bus) => {
          const own = cx.registerPlugin('Mine');
          if (own) own.subscribe('App.ready', () => order.push('ready seen'));
          order.push('extension');
        },
      },
    });
    await ready(bus);
    await flush();
    expect(order).toEqual(['extension', 'ready seen']);
  });
});

describe('extensions by URL', () => {
  it('loads script extensions from the config and from registerExtension', async () => {
    const { bus, scripts, loadScript } = start({ extensions: { Remote: '/ext/remote.js' } });
    scripts['/ext/remote.js'] = () => undefined;
    scripts['/ext/late.js'] = () => undefined;
    await ready(bus);
    await expect(
      bus.command('App.registerExtension', { name: 'Late', extension: '/ext/late.js' }),
    ).resolves.toBe('Late');
    expect(
      await reasonOf(bus.command('App.registerExtension', { name: 'Gone', extension: '/404.js' })),
    ).toBe('Extension failed to load');
    expect(loadScript.mock.calls.map(([url]) => url)).toEqual([
      '/ext/remote.js',
      '/ext/late.js',
      '/404.js',
    ]);
  });
});

describe('loading plugins', () => {
  it('loads main.preload and autoLoadList entries marked true after pluginLoadDelay', async () => {
    const { bus, loadScript, scripts } = start(
      { main: { preload: ['webchat'], pluginLoadDelay: 300 } },
      {
        [`_genesys.widgets.${AUTO_LOAD_LIST}`]: encodeURIComponent(
          '{"Console":true,"Off":false,"WebChat":true}',
        ),
      },
    );
    scripts['/widgets/plugins/webchat.min.js'] = () => undefined;
    scripts['/widgets/plugins/console.min.js'] = () => undefined;
    await ready(bus);
    expect(loadScript).not.toHaveBeenCalled();
    await vi.waitFor(() => expect(loadScript).toHaveBeenCalledTimes(2));
    expect(loadScript.mock.calls.map(([url]) => url)).toEqual([
      '/widgets/plugins/webchat.min.js',
      '/widgets/plugins/console.min.js',
    ]);
  });

  it('registerAutoLoad / deregisterAutoLoad flip the calling plugin or a named one', async () => {
    const { bus, fake } = start();
    await ready(bus);
    const console = plugin(bus, 'Console');
    await expect(console.command('App.registerAutoLoad')).resolves.toEqual({ Console: true });
    await bus.command('App.registerAutoLoad', { name: 'WebChat' });
    await console.command('App.deregisterAutoLoad');
    expect(decodeURIComponent(fake.cookies[0]?.value ?? '')).toBe(
      '{"Console":false,"WebChat":true}',
    );
    expect(await reasonOf(bus.command('App.registerAutoLoad'))).toBe('Invalid plugin name');
    expect(await reasonOf(bus.command('App.registerAutoLoad', { name: 'a b' }))).toBe(
      'Invalid plugin name',
    );
  });
});

describe('commands', () => {
  it('setTheme switches built-in and custom themes and rejects unknown ones', async () => {
    const { bus } = start({
      main: { themes: { ocean: { base: 'dark', accent: '#0af' }, blue: 'cx-blue' } },
    });
    await ready(bus);
    const themes = vi.fn();
    bus.subscribe('App.theme', themes);
    await expect(bus.command('App.setTheme', { theme: 'light' })).resolves.toBe('light');
    await bus.command('App.setTheme', { theme: 'ocean' });
    await expect(bus.command('App.getTheme')).resolves.toBe('ocean');
    expect(await reasonOf(bus.command('App.setTheme', { theme: 'pink' }))).toBe(INVALID_THEME);
    expect(await reasonOf(bus.command('App.setTheme', {}))).toBe(INVALID_THEME);
    await flush();
    expect(themes.mock.calls.map(([e]) => e.data.theme)).toEqual(['light', 'ocean']);
    const root = commonOf(window)?.ui.mount('Test').root;
    expect(root?.dataset['themeBase']).toBe('dark');
    expect(root?.style.getPropertyValue('--fd-accent')).toBe('#0af');
    await bus.command('App.setTheme', { theme: 'blue' });
    expect(root?.classList.contains('cx-blue')).toBe(true);
    expect(root?.style.getPropertyValue('--fd-accent')).toBe('');
  });

  it('setLanguage sets dir=rtl for Arabic and rejects missing or unknown languages', async () => {
    const { bus } = start();
    await ready(bus);
    const root = commonOf(window)?.ui.mount('Test').root;
    expect(root?.getAttribute('dir')).toBe('ltr');
    await expect(bus.command('App.setLanguage', { lang: 'ar' })).resolves.toBe('ar');
    expect(root?.getAttribute('dir')).toBe('rtl');
    expect(bus.data('App.language')).toBe('ar');
    await bus.command('App.setLanguage', { lang: 'de' });
    expect(root?.getAttribute('dir')).toBe('ltr');
    expect(commonOf(window)?.t('app', 'close')).toBe('Schließen');
    expect(await reasonOf(bus.command('App.setLanguage', {}))).toBe('No language specified');
    expect(await reasonOf(bus.command('App.setLanguage', { lang: 'xx' }))).toBe(
      'Language not found: xx',
    );
  });

  it('registerI18n adds strings and languages; main.i18n can be a URL', async () => {
    window._genesys = { widgets: { main: { i18n: '/pack.json', lang: 'fr' } } };
    const { bus } = makeBus();
    const fetchJSON = vi.fn(async () => ({ fr: { app: { close: 'Fermer' } } }));
    startApp(bus, window, { jar: fakeJar('localhost').jar, fetchJSON });
    await ready(bus);
    expect(fetchJSON).toHaveBeenCalledWith('/pack.json');
    expect(commonOf(window)?.t('app', 'close')).toBe('Fermer');
    await bus.command('App.registerI18n', {
      lang: 'fr',
      namespace: 'Console',
      i18n: { run: 'Lancer' },
    });
    expect(commonOf(window)?.t('console', 'run')).toBe('Lancer');
    expect(commonOf(window)?.t('console', 'other')).toBe('other');
    expect(await reasonOf(bus.command('App.registerI18n', { lang: 'fr' }))).toMatch(/Invalid i18n/);
  });

  it('registerExtension rejects before ready and when the name is taken', async () => {
    const { bus, app } = start({ extensions: { Taken: () => undefined } });
    expect(
      await reasonOf(app.command('App.registerExtension', { name: 'Early', extension: () => 1 })),
    ).toBe(NOT_READY);
    await ready(bus);
    const extension = vi.fn();
    await expect(bus.command('App.registerExtension', { name: 'Late', extension })).resolves.toBe(
      'Late',
    );
    expect(extension).toHaveBeenCalledWith(undefined, bus, commonOf(window));
    expect(await reasonOf(bus.command('App.registerExtension', { name: 'Taken', extension }))).toBe(
      'Extension name already registered',
    );
  });

  it('keeps only Authorization and apikey headers and publishes the change', async () => {
    const { bus } = start({ main: { header: { apikey: 'k', Cookie: 'no' } } });
    await ready(bus);
    expect(bus.data('App.requestHeader')).toEqual({ apikey: 'k' });
    const updated = vi.fn();
    bus.subscribe('App.requestHeaderUpdated', updated);
    await bus.command('App.updateAJAXHeader', { header: { Authorization: 'Bearer t', X: 'y' } });
    expect(bus.data('App.requestHeader')).toEqual({ apikey: 'k', Authorization: 'Bearer t' });
    await bus.command('App.removeAJAXHeader');
    expect(bus.data('App.requestHeader')).toEqual({});
    await flush();
    expect(updated).toHaveBeenCalledTimes(2);
  });

  it('about, debug, closeAll and registerPlugin', async () => {
    const { bus } = start();
    await ready(bus);
    await expect(bus.command('App.about')).resolves.toMatchObject({ name: 'Frontdesk Widgets' });
    await expect(bus.command('App.debug', { enabled: false })).resolves.toBeUndefined();
    const closeAll = vi.fn();
    bus.subscribe('App.closeAll', closeAll);
    await bus.command('App.closeAll');
    await flush();
    expect(closeAll).toHaveBeenCalled();
    const registrar = vi.fn((_$: unknown, cx: typeof bus) => cx.registerPlugin('Extra'));
    await bus.command('App.registerPlugin', { plugin: registrar });
    expect(bus.registerPlugin('Extra')).toBe(false);
    expect(await reasonOf(bus.command('App.registerPlugin', { plugin: 'x' }))).toMatch(/Invalid/);
  });
});

describe('mobile mode', () => {
  it('is forced by true/false and follows breakpoint and user agent in auto', async () => {
    const { bus } = start({ main: { mobileMode: true } });
    await ready(bus);
    expect(bus.data('App.mobileMode')).toBe(true);
    delete window._genesys;

    vi.spyOn(window.navigator, 'userAgent', 'get').mockReturnValue('Mozilla/5.0 (iPhone) Mobile');
    window.innerWidth = 1024;
    const auto = start({ main: { mobileModeBreakpoint: 700 } });
    expect(auto.bus.data('App.mobileMode')).toBe(false);
    window.innerWidth = 500;
    window.dispatchEvent(new Event('resize'));
    expect(auto.bus.data('App.mobileMode')).toBe(true);
    expect(createUIHost(document).state().mobile).toBe(false);
  });
});
