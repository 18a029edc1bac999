/** The public shapes of CXBus: what the host page and every plugin program against. */

/** A native Promise that also speaks the `.done().fail().always()` style that site code uses. */
export interface CommandPromise<T = unknown> extends Promise<T> {
  done(fn: (value: T) => void): CommandPromise<T>;
  fail(fn: (reason: unknown) => void): CommandPromise<T>;
  always(fn: (valueOrReason: unknown) => void): CommandPromise<T>;
}

/** The handle a command handler settles; the caller holds `promise()`. */
export interface Deferred<T = unknown> {
  resolve(value?: T): void;
  reject(reason?: unknown): void;
  promise(): CommandPromise<T>;
}

/** What a command handler receives. `command` is the full path, e.g. `Hello.greet`. */
export interface CommandCall {
  time: number;
  commander: string;
  command: string;
  deferred: Deferred;
  data: Record<string, unknown>;
}

export type CommandHandler = (call: CommandCall) => void;

/** A `before` hook returns the (possibly changed) options; anything but an object cancels. */
export type BeforeHook = (options: Record<string, unknown>) => unknown;

/** What an event subscriber receives. `event` is the full name, e.g. `Hello.ready`. */
export interface BusEvent<T = unknown> {
  time: number;
  publisher: string;
  event: string;
  data: T;
}

export type Subscriber = (event: BusEvent) => void;

/** Payload of `<Plugin>.data.<key>` events. */
export interface DataChange {
  last: unknown;
  value: unknown;
  time: number;
}

export interface PluginRegistryEntry {
  commands: string[];
  events: string[];
  ready: boolean;
}

/** The interface `CXBus.registerPlugin(name)` hands to the plugin that owns `name`. */
export interface PluginInterface {
  namespace(): string;
  publish(event: string, data?: unknown): boolean;
  publishDirect(event: string, data?: unknown): boolean;
  republish(event: string, data?: unknown): boolean;
  subscribe(event: string, callback: Subscriber): string | false;
  unsubscribe(event: string, callback?: Subscriber): boolean;
  command<T = unknown>(path: string, options?: object): CommandPromise<T>;
  before(path: string, hook: BeforeHook): boolean;
  registerCommand(name: string, handler: CommandHandler): boolean;
  registerEvents(names: string | string[]): boolean;
  data(key: string, value?: unknown): unknown;
  registry(): Record<string, PluginRegistryEntry>;
  ready(): void;
}

export interface BusOptions {
  debug?: boolean;
  async?: boolean;
  pluginsPath?: string;
  pluginFilenameFormat?: string;
  pluginMap?: Record<string, string | false>;
}

/** `window.CXBus`. There is deliberately no global `publish`. */
export interface CXBusGlobal {
  configure(options: BusOptions): void;
  registerPlugin(name: string): PluginInterface | false;
  loadPlugin(name: string): CommandPromise<string>;
  loadFile(url: string): CommandPromise<string>;
  command<T = unknown>(path: string, options?: object): CommandPromise<T>;
  subscribe(event: string, callback: Subscriber): string | false;
  data(key: string): unknown;
}

/** Fetches and runs one script; resolves once it has run, rejects if it could not be loaded. */
export type ScriptLoader = (url: string) => Promise<void>;

declare global {
  interface Window {
    CXBus?: CXBusGlobal;
  }
}
