/**
 * The App plugin (`widgets-core`): reads the configuration, owns the shared services
 * (cookies, UI host, languages, HTTP), publishes `App.ready`, and loads `main.preload` plus every
 * plugin marked true in the `app.autoLoadList` cookie.
 */
import type { Common } from '../common';
import { isRecord } from '../common';
import { createCookieStore, documentJar, type CookieJar } from '../cookies';
import { createI18n, isRightToLeft } from '../i18n';
import { http } from '../http';
import { isName } from '../names';
import type { CommandCall, CXBusGlobal, PluginInterface } from '../types';
import { createUIHost } from '../ui_host';
import { allowedHeaders, mainOptions, widgetsConfig } from './config';
import { findTheme } from './themes';

export const VERSION = '0.1.0';
export const AUTO_LOAD_LIST = 'app.autoLoadList';
export const INVALID_THEME = 'Invalid theme specified';
export const NOT_READY = 'App is not ready';

export interface AppSetup {
  jar?: CookieJar;
  /** Fetches a JSON language pack from a URL (default: `fetch`). */
  fetchJSON?: (url: string) => Promise<unknown>;
}

type Extension = (...args: unknown[]) => unknown;

const MOBILE_UA = /Mobi|Android|iPhone|iPad|iPod/i;

/** Register App on `bus` and start it; false when App is already registered. */
export function startApp(
  bus: CXBusGlobal,
  win: Window,
  setup: AppSetup = {},
): PluginInterface | false {
  const app = bus.registerPlugin('App');
  if (!app) return false;
  const doc = win.document;
  const widgets = widgetsConfig(win);
  const main = mainOptions(widgets);
  if (main.debug) bus.configure({ debug: true });

  const cookies = createCookieStore({
    jar: setup.jar ?? documentJar(doc),
    protocol: win.location.protocol,
    hostname: win.location.hostname,
    deploymentID: main.deploymentID,
    cookieOptions: main.cookieOptions,
  });
  const ui = createUIHost(doc);
  const i18n = createI18n();
  let lang = 'en';
  let theme = findTheme(main.theme, main.themes) ?? findTheme('dark', {})!;
  let header = main.header;
  let ready = false;
  const extensions = new Set<string>();

  const common: Common = {
    cookies,
    ui,
    i18n,
    http,
    t: (namespace, key) => i18n.t(lang, namespace, key),
    config: () => widgets,
  };
  widgets['common'] = common;

  const fail = (call: CommandCall, reason: string): void => call.deferred.reject(reason);
  const command = (name: string, handler: (call: CommandCall) => void): void => {
    app.registerCommand(name, handler);
  };

  // Theme, language, mobile mode

  const applyTheme = (): void => {
    ui.update({ theme });
    app.data('theme', theme.name);
    app.publish('theme', { theme: theme.name });
  };
  const applyLanguage = (next: string): void => {
    lang = next;
    ui.update({ lang, dir: isRightToLeft(lang) ? 'rtl' : 'ltr' });
    app.data('language', lang);
    app.data('i18n', i18n.strings(lang));
    app.publish('language', { lang });
  };
  const isMobile = (): boolean =>
    main.mobileMode === 'auto'
      ? win.innerWidth <= main.mobileModeBreakpoint && MOBILE_UA.test(win.navigator.userAgent)
      : main.mobileMode;
  const applyMobile = (): void => {
    const mobile = isMobile();
    if (app.data('mobileMode') === mobile) return;
    ui.update({ mobile });
    app.data('mobileMode', mobile);
    app.publish('mobileMode', { mobileMode: mobile });
  };

  // Auto-load list

  const autoLoadList = (): Record<string, boolean> => {
    const list = cookies.getJSON(AUTO_LOAD_LIST);
    const clean: Record<string, boolean> = {};
    if (isRecord(list)) {
      for (const [name, on] of Object.entries(list)) if (isName(name)) clean[name] = on === true;
    }
    return clean;
  };
  const markAutoLoad =
    (on: boolean) =>
    (call: CommandCall): void => {
      const given = call.data['name'];
      const name = given === undefined ? call.commander : given;
      if (!isName(name) || name === 'CXBus') return fail(call, 'Invalid plugin name');
      const list = { ...autoLoadList(), [name]: on };
      if (!cookies.setJSON(AUTO_LOAD_LIST, list)) return fail(call, 'Auto-load list is full');
      call.deferred.resolve(list);
    };

  // Extensions

  const runExtension = (name: string, extension: unknown): Promise<void> => {
    extensions.add(name);
    if (typeof extension === 'function') {
      (extension as Extension)((win as unknown as Record<string, unknown>)['jQuery'], bus, common);
      return Promise.resolve();
    }
    if (typeof extension === 'string') {
      return new Promise((resolve, reject) => {
        bus
          .loadFile(extension)
          .done(() => resolve())
          .fail(reject);
      });
    }
    return Promise.reject(new Error('not a function or URL'));
  };

  // Commands

  command('about', ({ deferred }) =>
    deferred.resolve({
      name: 'Frontdesk Widgets',
      version: VERSION,
      api: 'Genesys Widgets 9',
    }),
  );
  command('debug', ({ data, deferred }) => {
    bus.configure({ debug: data['enabled'] !== false });
    deferred.resolve();
  });
  command('registerAutoLoad', markAutoLoad(true));
  command('deregisterAutoLoad', markAutoLoad(false));
  command('registerPlugin', (call) => {
    const plugin = call.data['plugin'];
    if (typeof plugin !== 'function') return fail(call, 'Invalid plugin: expected a function');
    (plugin as Extension)((win as unknown as Record<string, unknown>)['jQuery'], bus, common);
    call.deferred.resolve();
  });
  command('registerExtension', (call) => {
    const { name, extension } = call.data;
    if (!ready) return fail(call, NOT_READY);
    if (typeof name !== 'string' || name === '') return fail(call, 'Invalid extension name');
    if (extensions.has(name)) return fail(call, 'Extension name already registered');
    runExtension(name, extension).then(
      () => call.deferred.resolve(name),
      () => fail(call, 'Extension failed to load'),
    );
  });
  command('registerI18n', (call) => {
    const { lang: forLang, namespace, i18n: strings } = call.data;
    if (
      typeof forLang !== 'string' ||
      typeof namespace !== 'string' ||
      !i18n.add(forLang, namespace, strings)
    ) {
      return fail(call, 'Invalid i18n: expected lang, namespace and i18n');
    }
    if (forLang === lang) app.data('i18n', { ...i18n.strings(lang) });
    app.publish('i18n', { lang: forLang, namespace });
    call.deferred.resolve();
  });
  command('closeAll', ({ deferred }) => {
    app.publish('closeAll', {});
    deferred.resolve();
  });
  command('setTheme', (call) => {
    const found = findTheme(call.data['theme'], main.themes);
    if (!found) return fail(call, INVALID_THEME);
    theme = found;
    applyTheme();
    call.deferred.resolve(theme.name);
  });
  command('getTheme', ({ deferred }) => deferred.resolve(theme.name));
  command('setLanguage', (call) => {
    const next = call.data['lang'];
    if (typeof next !== 'string' || next === '') return fail(call, 'No language specified');
    if (!i18n.has(next)) return fail(call, `Language not found: ${next}`);
    applyLanguage(next);
    call.deferred.resolve(next);
  });
  command('updateAJAXHeader', (call) => {
    header = { ...header, ...allowedHeaders(call.data['header']) };
    app.data('requestHeader', header);
    app.publish('requestHeaderUpdated', { header });
    call.deferred.resolve(header);
  });
  command('removeAJAXHeader', ({ deferred }) => {
    header = {};
    app.data('requestHeader', header);
    app.publish('requestHeaderUpdated', { header });
    deferred.resolve(header);
  });
  app.registerEvents([
    'ready',
    'closeAll',
    'theme',
    'i18n',
    'language',
    'mobileMode',
    'requestHeaderUpdated',
  ]);

  app.data('deploymentID', main.deploymentID);
  app.data('cookieOptions', cookies.attributes());
  app.data('requestHeader', header);
  ui.update({ theme });
  app.data('theme', theme.name);
  applyMobile();
  win.addEventListener('resize', applyMobile);
  app.ready();

  const loadLanguagePack = async (): Promise<void> => {
    if (typeof main.i18n === 'string') {
      const fetchJSON =
        setup.fetchJSON ??
        ((url: string) => win.fetch(url).then((response) => response.json() as unknown));
      try {
        i18n.merge(await fetchJSON(main.i18n));
      } catch {
        // A missing pack leaves the built-in strings; the widgets still start.
      }
    } else {
      i18n.merge(main.i18n);
    }
  };

  const start = async (): Promise<void> => {
    await loadLanguagePack();
    applyLanguage(i18n.has(main.lang) ? main.lang : 'en');
    const configured = widgets['extensions'];
    if (isRecord(configured)) {
      for (const [name, extension] of Object.entries(configured)) {
        runExtension(name, extension).catch(() => undefined);
      }
    }
    const quick = bus.registerPlugin('QuickBus');
    if (quick) {
      quick.ready();
      widgets['bus'] = { ...quick, registerPlugin: bus.registerPlugin };
    }
    ready = true;
    app.data('ready', true);
    app.republish('ready', widgets);
    const onReady = widgets['onReady'];
    if (typeof onReady === 'function') {
      try {
        (onReady as Extension)(widgets['bus']);
      } catch {
        // The page's callback failing must not stop the widgets.
      }
    }
    win.setTimeout(loadPlugins, main.pluginLoadDelay);
  };

  const loadPlugins = (): void => {
    const seen = new Set<string>();
    const marked = Object.entries(autoLoadList())
      .filter(([, on]) => on)
      .map(([name]) => name);
    for (const name of [...main.preload, ...marked]) {
      const key = name.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      // Already present (bundle mode) or missing: nothing to do either way.
      bus.loadPlugin(name).fail(() => undefined);
    }
  };

  start().catch(() => undefined);
  return app;
}
