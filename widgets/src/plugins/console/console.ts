/**
 * The Console plugin: a developer window to run any command and watch any event on the bus.
 * Its state lives in the `console.*` cookies, so it comes back after navigation exactly as
 * it was (same selections, same live subscriptions), and it puts itself in the auto-load
 * list while open, so lazy-loading pages load it again without a preload.
 */
import { h, render } from 'preact';
import { commonOf, isRecord, type Common } from '../../core/common';
import type { CXBusGlobal, PluginInterface, Subscriber } from '../../core/types';
import { Panel, type ConsoleView, type Position } from './panel';
import { STRINGS } from './strings';
import { CSS } from './styles';

export const ALREADY_OPENED = 'Already opened';
export const ALREADY_CLOSED = 'Already closed';
const MAX_LOG = 100;
const MAX_SUBSCRIPTIONS = 40;
const MAX_TEXT = 2000;

const SELECTIONS = ['commandPlugin', 'command', 'eventPlugin', 'event'] as const;
type Selection = (typeof SELECTIONS)[number];

/** JSON of `value` for display: cycles and functions dropped, long text cut. */
export function preview(value: unknown, limit = MAX_TEXT): string {
  const seen = new WeakSet<object>();
  let text: string | undefined;
  try {
    text = JSON.stringify(value, (_key, item: unknown) => {
      if (typeof item === 'object' && item !== null) {
        if (seen.has(item)) return '[circular]';
        seen.add(item);
      }
      return item;
    });
  } catch {
    text = undefined;
  }
  text ??= String(value);
  return text.length > limit ? `${text.slice(0, limit)}…` : text;
}

function positionOf(value: unknown): Position | undefined {
  return isRecord(value) && typeof value['x'] === 'number' && typeof value['y'] === 'number'
    ? { x: value['x'], y: value['y'] }
    : undefined;
}

/** Register the Console on `bus`; it configures itself when App is ready. */
export function registerConsole(bus: CXBusGlobal, win: Window): PluginInterface | false {
  const plugin = bus.registerPlugin('Console');
  if (!plugin) return false;
  let common: Common | undefined;
  let config: Record<string, unknown> = {};
  let mounted: { root: HTMLElement; remove(): void } | undefined;
  let nextId = 1;
  const live = new Map<string, Subscriber>();
  const view: ConsoleView = {
    commandPlugin: '',
    command: '',
    options: '{}',
    eventPlugin: '',
    event: '',
    subscriptions: [],
    log: [],
    result: undefined,
    position: { x: 24, y: 24 },
  };

  const cookies = () => common!.cookies;
  const t = (key: string): string => (common ? common.t('console', key) : key);

  const draw = (): void => {
    if (!mounted) return;
    render(h(Panel, { view, registry: plugin.registry(), t, actions }), mounted.root);
  };

  const saveSubscriptions = (): boolean => {
    if (view.subscriptions.length === 0) {
      cookies().remove('console.activeSubscriptions');
      return true;
    }
    return cookies().setJSON('console.activeSubscriptions', view.subscriptions);
  };

  const listen = (event: string): boolean => {
    if (live.has(event)) return true;
    const subscriber: Subscriber = (e) => {
      view.log = [
        ...view.log,
        {
          id: nextId++,
          time: new Date(e.time).toLocaleTimeString(),
          event: e.event,
          data: preview(e.data, 500),
        },
      ].slice(-MAX_LOG);
      draw();
    };
    if (plugin.subscribe(event, subscriber) === false) return false;
    live.set(event, subscriber);
    view.subscriptions = [...view.subscriptions, event];
    return true;
  };

  const clamp = (position: Position): Position => ({
    x: Math.round(Math.min(Math.max(position.x, 0), Math.max(win.innerWidth - 80, 0))),
    y: Math.round(Math.min(Math.max(position.y, 0), Math.max(win.innerHeight - 40, 0))),
  });
  const moveTo = (position: Position, save: boolean): void => {
    view.position = clamp(position);
    if (save) cookies().setJSON('console.windowPosition', view.position);
    draw();
  };

  const actions = {
    select(key: Selection, value: string) {
      view[key] = value;
      if (key === 'commandPlugin') view.command = '';
      if (key === 'eventPlugin') view.event = '';
      for (const name of SELECTIONS) cookies().set(`console.${name}`, view[name]);
      draw();
    },
    editOptions(text: string) {
      view.options = text;
      if (!cookies().set('console.optionsArea', text)) cookies().remove('console.optionsArea');
    },
    run() {
      const finish = (ok: boolean, text: string): void => {
        view.result = { ok, text };
        draw();
      };
      if (!view.commandPlugin || !view.command) return finish(false, t('pick'));
      let options: unknown;
      try {
        options = view.options.trim() === '' ? {} : JSON.parse(view.options);
      } catch (error) {
        return finish(false, `${t('invalidJSON')}: ${(error as Error).message}`);
      }
      if (!isRecord(options)) return finish(false, t('notObject'));
      plugin
        .command(`${view.commandPlugin}.${view.command}`, options)
        .done((value) => finish(true, value === undefined ? '' : preview(value)))
        .fail((reason) => finish(false, typeof reason === 'string' ? reason : preview(reason)));
    },
    subscribe() {
      if (!view.eventPlugin || !view.event) return;
      const event = `${view.eventPlugin}.${view.event}`;
      if (view.subscriptions.includes(event)) return;
      if (view.subscriptions.length >= MAX_SUBSCRIPTIONS || !listen(event)) {
        view.result = { ok: false, text: t('tooMany') };
      } else if (!saveSubscriptions()) {
        actions.unsubscribe(event);
        view.result = { ok: false, text: t('tooMany') };
      }
      draw();
    },
    unsubscribe(event: string) {
      const subscriber = live.get(event);
      if (subscriber) plugin.unsubscribe(event, subscriber);
      live.delete(event);
      view.subscriptions = view.subscriptions.filter((name) => name !== event);
      saveSubscriptions();
      draw();
    },
    clearLog() {
      view.log = [];
      draw();
    },
    close() {
      plugin.command('close');
    },
    refresh: () => draw(),
    dragStart(event: MouseEvent) {
      if (event.button !== 0 || (event.target as Element).closest?.('.fd-close')) return;
      event.preventDefault();
      const start = { ...view.position };
      const [x0, y0] = [event.clientX, event.clientY];
      const move = (e: MouseEvent): void =>
        moveTo({ x: start.x + e.clientX - x0, y: start.y + e.clientY - y0 }, false);
      const up = (): void => {
        win.removeEventListener('mousemove', move);
        win.removeEventListener('mouseup', up);
        moveTo(view.position, true);
      };
      win.addEventListener('mousemove', move);
      win.addEventListener('mouseup', up);
    },
    moveBy(dx: number, dy: number) {
      moveTo({ x: view.position.x + dx, y: view.position.y + dy }, true);
    },
  };

  const readCookies = (): void => {
    const store = cookies();
    for (const name of SELECTIONS) view[name] = store.get(`console.${name}`) ?? '';
    view.options = store.get('console.optionsArea') ?? '{}';
    view.position = clamp(positionOf(store.getJSON('console.windowPosition')) ?? view.position);
  };

  const openWindow = (restoring: boolean): void => {
    readCookies();
    mounted = common!.ui.mount('Console', CSS);
    if (restoring) {
      const saved = cookies().getJSON('console.activeSubscriptions');
      if (Array.isArray(saved)) {
        for (const event of saved.slice(0, MAX_SUBSCRIPTIONS)) {
          if (typeof event === 'string') listen(event);
        }
      }
      saveSubscriptions();
    }
    cookies().set('console.session', 'true');
    plugin.command('App.registerAutoLoad');
    draw();
    plugin.publish('opened', {});
  };

  const hide = (): void => {
    for (const event of [...live.keys()]) actions.unsubscribe(event);
    if (mounted) {
      render(null, mounted.root);
      mounted.remove();
      mounted = undefined;
    }
    view.log = [];
    view.result = undefined;
    cookies().set('console.session', 'false');
    plugin.command('App.deregisterAutoLoad');
    plugin.publish('closed', {});
  };

  plugin.registerCommand('configure', ({ data, deferred }) => {
    config = { ...config, ...data };
    deferred.resolve(config);
  });
  plugin.registerCommand('open', ({ deferred }) => {
    if (mounted) return deferred.reject(ALREADY_OPENED);
    openWindow(false);
    deferred.resolve();
  });
  plugin.registerCommand('restore', ({ deferred }) => {
    if (mounted) return deferred.reject(ALREADY_OPENED);
    openWindow(true);
    deferred.resolve();
  });
  plugin.registerCommand('close', ({ deferred }) => {
    if (!mounted) return deferred.reject(ALREADY_CLOSED);
    hide();
    deferred.resolve();
  });
  plugin.registerEvents(['ready', 'opened', 'closed']);

  plugin.subscribe('App.ready', () => {
    if (common) return;
    common = commonOf(win);
    if (!common) return;
    for (const [lang, strings] of Object.entries(STRINGS)) {
      plugin.command('App.registerI18n', { lang, namespace: 'console', i18n: strings });
    }
    plugin.subscribe('App.language', draw);
    const own = common.config()['console'];
    if (isRecord(own)) config = { ...own };
    plugin.ready();
    plugin.republish('ready', {});
    if (cookies().get('console.session') === 'true') plugin.command('restore');
    else if (config['open'] === true) plugin.command('open');
  });
  return plugin;
}
