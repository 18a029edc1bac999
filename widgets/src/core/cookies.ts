/**
 * The widgets' cookie store: the contract of `shared/spec/cookies.md` in one place.
 *
 * Names are `[<deploymentID>.]_genesys.widgets.<rest>`; cookies are session cookies on the
 * registrable domain (found by probing, so the browser's own Public Suffix List decides),
 * `Path=/`, `SameSite=Lax`, `Secure` on https, and `main.cookieOptions` is applied last.
 */

export const COOKIE_PREFIX = '_genesys.widgets';
/** Upper bound for `name=value`; browsers drop cookies over 4096 bytes. */
export const MAX_COOKIE_BYTES = 4000;

const EPOCH = 'Thu, 01 Jan 1970 00:00:00 GMT';
const DAY_MS = 864e5;
const SAFE_ID = /^[\w.-]+$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
// js-cookie keeps these characters readable in values; sites read our cookies with it.
const KEEP = /%(23|24|26|2B|3A|3C|3E|3D|2F|3F|40|5B|5D|5E|60|7B|7D|7C)/g;

/** Where cookies are read and written: `document` in a page, a fake in tests. */
export interface CookieJar {
  read(): string;
  write(cookie: string): void;
}

/** Resolved attributes of every cookie the store writes. */
export interface CookieAttributes {
  domain?: string;
  path: string;
  sameSite: string;
  secure: boolean;
  expires?: string;
}

export interface CookieStoreSetup {
  jar: CookieJar;
  protocol: string;
  hostname: string;
  deploymentID?: unknown;
  cookieOptions?: unknown;
  prefix?: string;
}

export interface CookieStore {
  /** The full cookie name of `rest`, e.g. `_genesys.widgets.console.session`. */
  name(rest: string): string;
  get(rest: string): string | undefined;
  /** Write `value`; false (and nothing written) when the cookie would be too big. */
  set(rest: string, value: string): boolean;
  remove(rest: string): void;
  /** The parsed JSON value, or undefined when absent or not JSON. */
  getJSON(rest: string): unknown;
  setJSON(rest: string, value: unknown): boolean;
  attributes(): CookieAttributes;
}

/** A jar over `document.cookie`. */
export function documentJar(doc: Document): CookieJar {
  return {
    read: () => doc.cookie,
    write: (cookie) => {
      doc.cookie = cookie;
    },
  };
}

export function encodeValue(value: string): string {
  return encodeURIComponent(value).replace(KEEP, decodeURIComponent);
}

export function decodeValue(value: string): string {
  const bare =
    value.length > 1 && value[0] === '"' && value.endsWith('"') ? value.slice(1, -1) : value;
  try {
    return decodeURIComponent(bare);
  } catch {
    return bare;
  }
}

/** Every value stored under `name` in a `document.cookie` string, in browser order. */
export function readAll(cookies: string, name: string): string[] {
  const found: string[] = [];
  for (const pair of cookies.split(';')) {
    const at = pair.indexOf('=');
    if (at < 0) continue;
    if (pair.slice(0, at).trim() === name) found.push(decodeValue(pair.slice(at + 1).trim()));
  }
  return found;
}

/** True where a cookie can only be host-only: IP addresses, single labels, no host. */
export function isHostOnly(protocol: string, hostname: string): boolean {
  return (
    protocol === 'file:' ||
    !hostname.includes('.') ||
    IPV4.test(hostname) ||
    hostname.includes(':') ||
    hostname.startsWith('[')
  );
}

function serialize(name: string, value: string, attrs: CookieAttributes): string {
  let cookie = `${name}=${value}; Path=${attrs.path}`;
  if (attrs.domain) cookie += `; Domain=${attrs.domain}`;
  if (attrs.expires) cookie += `; Expires=${attrs.expires}`;
  cookie += `; SameSite=${attrs.sameSite}`;
  if (attrs.secure) cookie += '; Secure';
  return cookie;
}

/**
 * The registrable domain of `hostname`: set a throw-away cookie on each parent, shortest
 * first; the first the browser accepts wins (it refuses public suffixes). Undefined when
 * none is accepted, which leaves cookies host-only.
 */
export function probeDomain(
  jar: CookieJar,
  hostname: string,
  secure: boolean,
  probe = `${COOKIE_PREFIX}.probe`,
): string | undefined {
  const labels = hostname.replace(/\.$/, '').split('.');
  const token = Math.random().toString(36).slice(2);
  const base: CookieAttributes = { path: '/', sameSite: 'Lax', secure };
  for (let i = labels.length - 2; i >= 0; i--) {
    const domain = labels.slice(i).join('.');
    jar.write(serialize(probe, token, { ...base, domain }));
    const accepted = readAll(jar.read(), probe).includes(token);
    jar.write(serialize(probe, '', { ...base, domain, expires: EPOCH }));
    if (accepted) return domain;
  }
  return undefined;
}

function expiry(value: unknown): string | undefined {
  if (typeof value === 'number') return new Date(Date.now() + value * DAY_MS).toUTCString();
  if (value instanceof Date) return value.toUTCString();
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function sameSiteOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const lower = value.toLowerCase();
  return ['lax', 'strict', 'none'].includes(lower)
    ? lower[0]!.toUpperCase() + lower.slice(1)
    : undefined;
}

/** Make the store; the domain probe runs once, on the first write or `attributes()`. */
export function createCookieStore(setup: CookieStoreSetup): CookieStore {
  const { jar, protocol, hostname } = setup;
  const prefix = setup.prefix ?? COOKIE_PREFIX;
  const deployment =
    typeof setup.deploymentID === 'string' && SAFE_ID.test(setup.deploymentID)
      ? `${setup.deploymentID}.`
      : '';
  const overrides = (
    typeof setup.cookieOptions === 'object' && setup.cookieOptions !== null
      ? setup.cookieOptions
      : {}
  ) as Record<string, unknown>;
  let resolved: CookieAttributes | undefined;

  const attributes = (): CookieAttributes => {
    if (resolved) return { ...resolved };
    const secure =
      typeof overrides['secure'] === 'boolean' ? overrides['secure'] : protocol === 'https:';
    const attrs: CookieAttributes = {
      path: typeof overrides['path'] === 'string' ? overrides['path'] : '/',
      sameSite: sameSiteOf(overrides['sameSite'] ?? overrides['samesite']) ?? 'Lax',
      secure,
    };
    const domain = overrides['domain'];
    if (typeof domain === 'string') {
      if (domain !== '') attrs.domain = domain.replace(/^\./, '');
    } else if (!isHostOnly(protocol, hostname)) {
      const found = probeDomain(jar, hostname, secure, `${deployment}${prefix}.probe`);
      if (found) attrs.domain = found;
    }
    const expires = expiry(overrides['expires']);
    if (expires) attrs.expires = expires;
    resolved = attrs;
    return { ...attrs };
  };

  const name = (rest: string): string => `${deployment}${prefix}.${rest}`;
  const get = (rest: string): string | undefined => readAll(jar.read(), name(rest))[0];
  const set = (rest: string, value: string): boolean => {
    const full = name(rest);
    const encoded = encodeValue(value);
    if (full.length + 1 + encoded.length > MAX_COOKIE_BYTES) return false;
    jar.write(serialize(full, encoded, attributes()));
    return true;
  };

  return {
    name,
    get,
    set,
    remove(rest) {
      const { expires: _ignored, ...attrs } = attributes();
      jar.write(serialize(name(rest), '', { ...attrs, expires: EPOCH }));
    },
    getJSON(rest) {
      const text = get(rest);
      if (text === undefined) return undefined;
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return undefined;
      }
    },
    setJSON: (rest, value) => set(rest, JSON.stringify(value)),
    attributes,
  };
}
