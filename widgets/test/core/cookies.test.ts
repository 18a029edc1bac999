import { describe, expect, it } from 'vitest';
import {
  createCookieStore,
  decodeValue,
  encodeValue,
  isHostOnly,
  MAX_COOKIE_BYTES,
  probeDomain,
} from '../../src/core/cookies';
import { fakeJar } from '../fake_jar';

const last = (list: string[]): string | undefined => list[list.length - 1];

function store(hostname: string, extra: Record<string, unknown> = {}, protocol = 'http:') {
  const fake = fakeJar(hostname);
  return { ...fake, store: createCookieStore({ jar: fake.jar, protocol, hostname, ...extra }) };
}

describe('cookie names', () => {
  it('are <prefix>.<rest>, preceded by <deploymentID>. when set', () => {
    expect(store('shop.example.test').store.name('console.session')).toBe(
      '_genesys.widgets.console.session',
    );
    expect(
      store('shop.example.test', { deploymentID: 'acme-1' }).store.name('app.autoLoadList'),
    ).toBe('acme-1._genesys.widgets.app.autoLoadList');
  });

  it('ignore a deploymentID that cannot be part of a cookie name', () => {
    expect(store('a.example.test', { deploymentID: 'bad; id' }).store.name('x')).toBe(
      '_genesys.widgets.x',
    );
  });
});

describe('the registrable domain', () => {
  it('is found by probing, shortest parent first, and the probe is removed', () => {
    const { jar, cookies, writes } = fakeJar('a.shop.example.co.uk');
    expect(probeDomain(jar, 'a.shop.example.co.uk', false)).toBe('example.co.uk');
    expect(
      writes.filter((w) => !w.includes('Expires')).map((w) => /Domain=([^;]+)/.exec(w)?.[1]),
    ).toEqual(['co.uk', 'example.co.uk']);
    expect(cookies).toEqual([]);
  });

  it('is never a public suffix: nothing accepted leaves cookies host-only', () => {
    const { store: s, writes } = store('github.io');
    s.set('x', '1');
    expect(s.attributes().domain).toBeUndefined();
    expect(last(writes)).not.toContain('Domain=');
  });

  it('is not probed on IP addresses, single-label hosts and file:', () => {
    for (const [protocol, host] of [
      ['http:', '127.0.0.1'],
      ['http:', 'localhost'],
      ['http:', '[::1]'],
      ['file:', ''],
    ] as const) {
      expect(isHostOnly(protocol, host)).toBe(true);
      const { store: s, writes } = store(host, {}, protocol);
      s.set('x', '1');
      expect(writes).toEqual(['_genesys.widgets.x=1; Path=/; SameSite=Lax']);
    }
  });
});

describe('writing', () => {
  it('writes session cookies on the registrable domain, Path=/, SameSite=Lax', () => {
    const { store: s, writes } = store('shop.example.test');
    expect(s.set('console.session', 'true')).toBe(true);
    expect(last(writes)).toBe(
      '_genesys.widgets.console.session=true; Path=/; Domain=example.test; SameSite=Lax',
    );
    expect(s.get('console.session')).toBe('true');
  });

  it('adds Secure on https', () => {
    const { store: s, writes } = store('shop.example.test', {}, 'https:');
    s.set('a', 'b');
    expect(last(writes)).toMatch(/; Secure$/);
  });

  it('applies cookieOptions last: domain, path, sameSite, secure, expires', () => {
    const { store: s, writes } = store('shop.example.test', {
      cookieOptions: {
        domain: '.shop.example.test',
        path: '/x',
        sameSite: 'strict',
        secure: true,
        expires: new Date(Date.UTC(2030, 0, 1)),
      },
    });
    s.set('a', 'b');
    expect(writes).toEqual([
      '_genesys.widgets.a=b; Path=/x; Domain=shop.example.test; ' +
        'Expires=Tue, 01 Jan 2030 00:00:00 GMT; SameSite=Strict; Secure',
    ]);
  });

  it('reads expires in days and the lower-case samesite key', () => {
    const { store: s } = store('shop.example.test', {
      cookieOptions: { expires: 1, samesite: 'None', secure: false },
    });
    const attrs = s.attributes();
    expect(attrs.sameSite).toBe('None');
    expect(attrs.secure).toBe(false);
    expect(Date.parse(attrs.expires ?? '') - Date.now()).toBeGreaterThan(23 * 3600e3);
  });

  it('refuses a cookie that would not fit in 4 KB and leaves the old value', () => {
    const { store: s } = store('shop.example.test');
    s.set('big', 'small');
    expect(s.set('big', 'x'.repeat(MAX_COOKIE_BYTES))).toBe(false);
    expect(s.get('big')).toBe('small');
  });

  it('removes with the same domain and path it wrote with', () => {
    const {
      store: s,
      cookies,
      writes,
    } = store('shop.example.test', {
      cookieOptions: { path: '/p' },
    });
    s.set('gone', '1');
    expect(cookies).toHaveLength(1);
    s.remove('gone');
    expect(cookies).toEqual([]);
    expect(last(writes)).toContain('Path=/p; Domain=example.test; Expires=Thu, 01 Jan 1970');
  });
});

describe('values', () => {
  it('round-trip JSON and stay readable the way js-cookie writes them', () => {
    const { store: s, cookies } = store('shop.example.test');
    expect(s.setJSON('app.autoLoadList', { Console: true, WebChat: false })).toBe(true);
    expect(cookies[0]?.value).toBe('{%22Console%22:true%2C%22WebChat%22:false}');
    expect(s.getJSON('app.autoLoadList')).toEqual({ Console: true, WebChat: false });
    s.set('text', 'a;b c');
    expect(s.get('text')).toBe('a;b c');
    expect(s.getJSON('text')).toBeUndefined();
    expect(s.getJSON('missing')).toBeUndefined();
  });

  it('decode quoted and malformed values without throwing', () => {
    expect(decodeValue('"a%20b"')).toBe('a b');
    expect(decodeValue('%E0%A4%A')).toBe('%E0%A4%A');
    expect(encodeValue('{"a":1}')).toBe('{%22a%22:1}');
  });
});
