import { createDeferred, rejected } from './command_promise';
import { isName, ownEvent, parseCommand, parseEvent } from './names';
import * as reasons from './reasons';
import type {
  BeforeHook,
  BusEvent,
  BusOptions,
  CommandCall,
  CommandHandler,
  CommandPromise,
  CXBusGlobal,
  Deferred,
  PluginInterface,
  PluginRegistryEntry,
  ScriptLoader,
  Subscriber,
} from './types';

/** The commander name of calls made through `window.CXBus` rather than a plugin. */
const BUS = 'CXBus';
/** Plugins that live in a file of another name: App is registered by `widgets-core`. */
const FILES: Record<string, string> = { app: 'widgets-core' };

interface Plugin {
  name: string;
  ready: boolean;
  commands: Map<string, CommandHandler>;
  events: Set<string>;
  held: (() => void)[];
}

interface Subscription {
  owner: string;
  callback: Subscriber;
  active: boolean;
}

export interface BusSetup {
  loadScript: ScriptLoader;
  pluginsPath?: string;
}

type Options = Record<string, unknown>;

/** Create one independent bus; `window.CXBus` is one of these (see install.ts). */
export function createBus(setup: BusSetup): CXBusGlobal {
  const settings = {
    debug: false,
    async: true,
    pluginsPath: setup.pluginsPath ?? '',
    pluginFilenameFormat: 'plugin.min.js',
    pluginMap: new Map<string, string | false>(),
  };
  const plugins = new Map<string, Plugin>();
  const subscriptions = new Map<string, Subscription[]>();
  const sticky = new Map<string, BusEvent>();
  const hooks = new Map<string, BeforeHook[]>();
  const store = new Map<string, unknown>();
  const loads = new Map<string, Promise<void>>();

  const log = (...args: unknown[]): void => {
    if (settings.debug) console.log('[CXBus]', ...args);
  };
  const report = (error: unknown): void => {
    if (settings.debug) console.error('[CXBus]', error);
  };
  const deferred = <T>(): Deferred<T> => createDeferred<T>(report);
  const fail = <T>(reason: string): CommandPromise<T> => rejected<T>(report, reason);
  const isObject = (value: unknown): value is Options =>
    typeof value === 'object' && value !== null;

  // Loading

  const fileOf = (name: string): string | false => {
    const lower = name.toLowerCase();
    const mapped = settings.pluginMap.get(name) ?? settings.pluginMap.get(lower);
    if (mapped !== undefined) return mapped;
    const file = FILES[lower] ?? lower;
    return settings.pluginsPath + settings.pluginFilenameFormat.replace('plugin', file);
  };

  const load = (url: string): Promise<void> => {
    let loading = loads.get(url);
    if (!loading) {
      try {
        loading = Promise.resolve(setup.loadScript(url));
      } catch (error) {
        loading = Promise.reject(error);
      }
      loads.set(url, loading);
      // A failed file may be retried later (the network may come back); a loaded one is not.
      loading.catch((error: unknown) => {
        loads.delete(url);
        report(error);
      });
    }
    return loading;
  };

  const isTaken = (name: string): boolean => {
    const lower = name.toLowerCase();
    for (const taken of plugins.keys()) if (taken.toLowerCase() === lower) return true;
    return false;
  };

  // Commands

  const execute = (
    commander: string,
    plugin: Plugin,
    name: string,
    options: Options,
    handle: Deferred,
  ): void => {
    const path = `${plugin.name}.${name}`;
    const handler = plugin.commands.get(name);
    if (!handler) {
      handle.reject(`${reasons.NO_SUCH_COMMAND}: ${path}`);
      return;
    }
    let data: unknown = options;
    for (const hook of hooks.get(path) ?? []) {
      try {
        data = hook(data as Options);
      } catch (error) {
        report(error);
        data = undefined;
      }
      if (!isObject(data)) break;
    }
    if (!isObject(data)) {
      handle.reject(reasons.CANCELLED);
      return;
    }
    const call: CommandCall = {
      time: Date.now(),
      commander,
      command: path,
      deferred: handle,
      data,
    };
    try {
      handler(call);
    } catch (error) {
      report(error);
      handle.reject(`${reasons.HANDLER_FAILED}: ${path}`);
    }
  };

  const route = (
    commander: string,
    namespace: string,
    name: string,
    options: Options,
    handle: Deferred,
  ): void => {
    const plugin = plugins.get(namespace);
    if (!plugin) {
      const url = fileOf(namespace);
      if (url === false) {
        handle.reject(reasons.LOAD_FAILED);
        return;
      }
      load(url).then(
        () =>
          plugins.has(namespace)
            ? route(commander, namespace, name, options, handle)
            : handle.reject(`${reasons.NOT_REGISTERED}: ${namespace}`),
        () => handle.reject(reasons.LOAD_FAILED),
      );
    } else if (plugin.ready) {
      execute(commander, plugin, name, options, handle);
    } else {
      plugin.held.push(() => execute(commander, plugin, name, options, handle));
    }
  };

  const command = <T>(commander: string, path: unknown, options: unknown): CommandPromise<T> => {
    const target = parseCommand(path, commander === BUS ? undefined : commander);
    if (!target) return fail(reasons.BAD_PATH);
    if (options === undefined || options === null) options = {};
    if (!isObject(options)) return fail(reasons.BAD_OPTIONS);
    log('command', commander, path, options);
    const handle = deferred<T>();
    route(commander, target[0], target[1], options, handle as Deferred);
    handle.promise().fail((reason) => log('command failed', path, reason));
    return handle.promise();
  };

  // Events

  const deliver = (subscription: Subscription, event: BusEvent): void => {
    const run = (): void => {
      if (!subscription.active) return;
      try {
        subscription.callback(event);
      } catch (error) {
        report(error);
      }
    };
    if (settings.async) Promise.resolve().then(run);
    else run();
  };

  const publish = (publisher: string, name: unknown, data: unknown, keep: boolean): boolean => {
    const full = ownEvent(publisher, name);
    if (!full) return false;
    const event: BusEvent = { time: Date.now(), publisher, event: full, data };
    if (keep) sticky.set(full, event);
    log('publish', full, data);
    for (const subscription of subscriptions.get(full) ?? []) deliver(subscription, event);
    return true;
  };

  const subscribe = (
    owner: string,
    name: unknown,
    callback: unknown,
    own?: string,
  ): string | false => {
    const full = parseEvent(name, own);
    if (!full || typeof callback !== 'function') return false;
    const subscription: Subscription = { owner, callback: callback as Subscriber, active: true };
    subscriptions.set(full, [...(subscriptions.get(full) ?? []), subscription]);
    const last = sticky.get(full);
    if (last) deliver(subscription, last);
    return full;
  };

  const unsubscribe = (owner: string, name: unknown, callback: unknown): boolean => {
    const full = parseEvent(name, owner);
    const list = full ? subscriptions.get(full) : undefined;
    if (!full || !list) return false;
    const keep = list.filter((s) => {
      const drop = s.owner === owner && (callback === undefined || s.callback === callback);
      if (drop) s.active = false;
      return !drop;
    });
    subscriptions.set(full, keep);
    return keep.length < list.length;
  };

  // Data

  const setData = (owner: string, key: string, value: unknown): void => {
    const full = `${owner}.${key}`;
    const last = store.get(full);
    store.set(full, value);
    if (Object.is(last, value)) return;
    const change = { last, value, time: Date.now() };
    publish(owner, 'data', { key, ...change }, false);
    publish(owner, `data.${key}`, change, false);
    if (!isObject(value) && typeof value !== 'function') {
      const shown = typeof value === 'string' ? `'${value}'` : String(value);
      publish(owner, `data.${key}:${shown}`, change, false);
    }
  };

  const readData = (key: unknown, own?: string): unknown => {
    if (typeof key !== 'string') return undefined;
    return store.get(own !== undefined && !key.includes('.') ? `${own}.${key}` : key);
  };

  // Plugins

  const registry = (): Record<string, PluginRegistryEntry> => {
    const entries: Record<string, PluginRegistryEntry> = {};
    for (const plugin of plugins.values()) {
      entries[plugin.name] = {
        commands: [...plugin.commands.keys()],
        events: [...plugin.events],
        ready: plugin.ready,
      };
    }
    return entries;
  };

  const interfaceOf = (plugin: Plugin): PluginInterface => {
    const name = plugin.name;
    return {
      namespace: () => name,
      publish: (event, data) => publish(name, event, data, false),
      publishDirect: (event, data) => publish(name, event, data, false),
      republish: (event, data) => publish(name, event, data, true),
      subscribe: (event, callback) => subscribe(name, event, callback, name),
      unsubscribe: (event, callback) => unsubscribe(name, event, callback),
      command: (path, options) => command(name, path, options),
      before(path, hook) {
        const target = parseCommand(path, name);
        if (!target || typeof hook !== 'function') return false;
        const full = target.join('.');
        hooks.set(full, [...(hooks.get(full) ?? []), hook]);
        return true;
      },
      registerCommand(command, handler) {
        if (!isName(command) || typeof handler !== 'function' || plugin.commands.has(command)) {
          return false;
        }
        plugin.commands.set(command, handler);
        return true;
      },
      registerEvents(names) {
        const list: unknown[] = Array.isArray(names) ? names : [names];
        if (!list.every((event) => typeof event === 'string' && event !== '')) return false;
        for (const event of list as string[]) plugin.events.add(event);
        return true;
      },
      data(key, ...value) {
        if (value.length === 0) return readData(key, name);
        if (!isName(key)) return undefined;
        setData(name, key, value[0]);
        return value[0];
      },
      registry,
      ready() {
        if (plugin.ready) return;
        plugin.ready = true;
        log('ready', name);
        for (const run of plugin.held.splice(0)) run();
      },
    };
  };

  const listing =
    (names: () => string[]): CommandHandler =>
    (call) => {
      const list = names();
      log(call.command, list);
      call.deferred.resolve(list);
    };

  const registerPlugin = (name: unknown): PluginInterface | false => {
    if (!isName(name) || name === BUS || isTaken(name)) return false;
    const plugin: Plugin = { name, ready: false, commands: new Map(), events: new Set(), held: [] };
    plugin.commands.set(
      'COMMANDS',
      listing(() => [...plugin.commands.keys()]),
    );
    plugin.commands.set(
      'EVENTS',
      listing(() => [...plugin.events]),
    );
    plugin.commands.set('LOAD', ({ deferred: handle }) => handle.resolve());
    plugins.set(name, plugin);
    log('registered', name);
    return interfaceOf(plugin);
  };

  // The global

  const settle = (loading: Promise<void>, value: string): CommandPromise<string> => {
    const handle = deferred<string>();
    loading.then(
      () => handle.resolve(value),
      () => handle.reject(reasons.LOAD_FAILED),
    );
    return handle.promise();
  };

  return {
    configure(options) {
      if (!isObject(options)) return;
      const { debug, async, pluginsPath, pluginFilenameFormat, pluginMap }: BusOptions = options;
      if (typeof debug === 'boolean') settings.debug = debug;
      if (typeof async === 'boolean') settings.async = async;
      if (typeof pluginsPath === 'string') {
        settings.pluginsPath =
          pluginsPath === '' || pluginsPath.endsWith('/') ? pluginsPath : `${pluginsPath}/`;
      }
      if (typeof pluginFilenameFormat === 'string' && pluginFilenameFormat.includes('plugin')) {
        settings.pluginFilenameFormat = pluginFilenameFormat;
      }
      if (isObject(pluginMap)) {
        for (const [name, file] of Object.entries(pluginMap)) {
          if (typeof file === 'string' || file === false) settings.pluginMap.set(name, file);
        }
      }
    },
    registerPlugin,
    loadPlugin(name) {
      if (!isName(name)) return fail(reasons.BAD_NAME);
      const url = fileOf(name);
      if (url === false) return fail(reasons.LOAD_FAILED);
      if (isTaken(name) || loads.has(url)) return fail(`${reasons.ALREADY_LOADED}: ${name}`);
      return settle(load(url), name);
    },
    loadFile(url) {
      if (typeof url !== 'string' || url === '') return fail(reasons.BAD_URL);
      return settle(load(url), url);
    },
    command: (path, options) => command(BUS, path, options),
    subscribe: (event, callback) => subscribe(BUS, event, callback),
    data: (key) => readData(key),
  };
}
