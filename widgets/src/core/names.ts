/** Validation of the names and paths that cross the bus boundary from page or plugin code. */

const NAME = /^[A-Za-z_$][\w$-]*$/;
const EVENT = /^[A-Za-z_$][\w$-]*\..+$/;
const LEGACY_PREFIX = 'cx.plugin.';

/** True when `value` can be a plugin namespace, command name or data key. */
export function isName(value: unknown): value is string {
  return typeof value === 'string' && NAME.test(value);
}

/**
 * Split a command path into namespace and command. A bare command belongs to `own`
 * (the caller's namespace); without `own` it is invalid.
 */
export function parseCommand(path: unknown, own?: string): [string, string] | undefined {
  if (typeof path !== 'string') return undefined;
  const parts = path.split('.');
  if (parts.length === 1 && own !== undefined) parts.unshift(own);
  const [namespace, command] = parts;
  return parts.length === 2 && isName(namespace) && isName(command)
    ? [namespace, command]
    : undefined;
}

/**
 * Normalise a subscription name to `Namespace.event`. Accepts the 8.5-era `cx.plugin.`
 * prefix as an alias, and a name without a dot as the caller's own event when `own` is given.
 */
export function parseEvent(name: unknown, own?: string): string | undefined {
  if (typeof name !== 'string') return undefined;
  let event = name.startsWith(LEGACY_PREFIX) ? name.slice(LEGACY_PREFIX.length) : name;
  if (own !== undefined && !event.includes('.')) event = `${own}.${event}`;
  return EVENT.test(event) ? event : undefined;
}

/** The full name of an event that plugin `own` publishes; `own.` is added unless present. */
export function ownEvent(own: string, name: unknown): string | undefined {
  if (typeof name !== 'string' || name === '' || name === own + '.') return undefined;
  return name.startsWith(own + '.') ? name : `${own}.${name}`;
}
