import type { CookieJar } from '../src/core/cookies';

export interface StoredCookie {
  name: string;
  value: string;
  domain: string | undefined;
  attributes: Record<string, string | true>;
}

/**
 * A small browser cookie jar for one page on `hostname`: it refuses `Domain` values that
 * are public suffixes (from `suffixes`) or that the host is not inside, and deletes cookies
 * written with a past expiry, keyed like a browser by name, domain and path.
 */
export function fakeJar(hostname: string, suffixes = ['test', 'com', 'uk', 'co.uk', 'github.io']) {
  const cookies: StoredCookie[] = [];
  const writes: string[] = [];
  const jar: CookieJar = {
    read: () =>
      cookies
        .filter(
          (c) =>
            c.domain === undefined || hostname === c.domain || hostname.endsWith(`.${c.domain}`),
        )
        .map((c) => `${c.name}=${c.value}`)
        .join('; '),
    write(cookie) {
      writes.push(cookie);
      const [pair = '', ...parts] = cookie.split(';').map((part) => part.trim());
      const at = pair.indexOf('=');
      const name = pair.slice(0, at);
      const value = pair.slice(at + 1);
      const attributes: Record<string, string | true> = {};
      for (const part of parts) {
        const eq = part.indexOf('=');
        if (eq < 0) attributes[part.toLowerCase()] = true;
        else attributes[part.slice(0, eq).toLowerCase()] = part.slice(eq + 1);
      }
      const raw = attributes['domain'];
      const domain = typeof raw === 'string' ? raw.replace(/^\./, '') : undefined;
      if (
        domain !== undefined &&
        (suffixes.includes(domain) || !(hostname === domain || hostname.endsWith(`.${domain}`)))
      )
        return;
      const index = cookies.findIndex(
        (c) =>
          c.name === name && c.domain === domain && c.attributes['path'] === attributes['path'],
      );
      if (index >= 0) cookies.splice(index, 1);
      const expires = attributes['expires'];
      if (typeof expires === 'string' && Date.parse(expires) < Date.now()) return;
      cookies.push({ name, value, domain, attributes });
    },
  };
  return { jar, cookies, writes };
}
