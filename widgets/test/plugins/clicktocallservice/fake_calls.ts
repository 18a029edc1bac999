/**
 * An in-memory click-to-call server in the Frontdesk wire shapes (`docs/api/click-to-call.md`),
 * with a fake `fetch`, and a page booted with App plus ClickToCallService on it.
 */
import { expect, vi } from 'vitest';
import { startApp } from '../../../src/core/app/app';
import type { BusEvent } from '../../../src/core/types';
import { registerClickToCallService } from '../../../src/plugins/clicktocallservice/service';
import { fakeJar } from '../../fake_jar';
import { flush, makeBus } from '../../helpers';

export const P = '_genesys.widgets.';
export const DATA_URL = 'https://fd.example.test/api/click-to-call?queue=sales';

export interface Sent {
  method: string;
  url: URL;
  headers: Record<string, string>;
  form: URLSearchParams;
}

export function fakeCalls() {
  const sent: Sent[] = [];
  let codes = 0;
  /** When set, answers instead of the server: [status, body], or 'offline' to fail the fetch. */
  let override: ((call: Sent) => [number, unknown] | 'offline' | undefined) | undefined;
  let wait = 90;
  /** What `/status` says per sealed key; `waiting` for any other. */
  const statuses = new Map<string, string>();
  const answer = (status: number, body: unknown): Response =>
    new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const call: Sent = {
      method: init?.method ?? 'GET',
      url: new URL(String(input)),
      headers: { ...(init?.headers as Record<string, string> | undefined) },
      form: new URLSearchParams(init?.body instanceof URLSearchParams ? init.body : ''),
    };
    sent.push(call);
    const overridden = override?.(call);
    if (overridden === 'offline') throw new TypeError('Failed to fetch');
    if (overridden) return answer(...overridden);
    if (call.url.pathname.endsWith('/wait')) {
      return answer(200, {
        queue: call.url.searchParams.get('queue') ?? 'default',
        estimated_wait_seconds: wait,
      });
    }
    if (call.url.pathname.endsWith('/pages')) return new Response(null, { status: 204 });
    if (call.url.pathname.endsWith('/status')) {
      const key = call.form.get('_status_key') ?? '';
      if (!key.startsWith('v1.'))
        return answer(401, { error: { code: 'invalid_token', message: 'no', details: {} } });
      return answer(200, { status: statuses.get(key) ?? 'waiting' });
    }
    codes += 1;
    const code = String(123455 + codes);
    return answer(200, {
      _access_number: '+12025550100',
      _access_code: code,
      _tel_url: `tel:+12025550100,,${code}%23`,
      _expiration_time: 600,
      _status_key: `v1.key-${code}`,
    });
  });
  return {
    sent,
    fetch: fetch as unknown as typeof globalThis.fetch,
    answer(fn: typeof override) {
      override = fn;
    },
    setWait(seconds: number) {
      wait = seconds;
    },
    /** The IVR took (or the server otherwise answers for) the call of `key`. */
    setStatus(key: string, status: string) {
      statuses.set(key, status);
    },
    /** The status questions asked so far, by key. */
    statusAsked: () =>
      sent.filter((c) => c.url.pathname.endsWith('/status')).map((c) => c.form.get('_status_key')),
  };
}

export type FakeCalls = ReturnType<typeof fakeCalls>;

/** Boot a page: configuration, cookies already in the jar, App, the service, then `extra`. */
export async function bootCalls(
  clicktocall: Record<string, unknown>,
  cookies: Record<string, string> = {},
  server: FakeCalls = fakeCalls(),
  extra?: (bus: ReturnType<typeof makeBus>['bus'], win: Window) => void,
  now?: () => number,
) {
  window._genesys = { widgets: { clicktocall: { dataURL: DATA_URL, ...clicktocall } } };
  const fake = fakeJar('shop.example.test');
  const setCookie = (name: string, value: string): void =>
    fake.jar.write(`${P}${name}=${encodeURIComponent(value)}; Path=/`);
  for (const [name, value] of Object.entries(cookies)) setCookie(name, value);
  const made = makeBus();
  const events: BusEvent[] = [];
  for (const event of [
    'ClickToCallService.restored',
    'ClickToCallService.numberReceived',
    'ClickToCallService.callReceived',
  ]) {
    made.bus.subscribe(event, (e) => events.push(e));
  }
  startApp(made.bus, window, { jar: fake.jar });
  registerClickToCallService(made.bus, window, {
    fetch: server.fetch,
    statusInterval: 20,
    ...(now ? { now } : {}),
  });
  extra?.(made.bus, window);
  await vi.waitFor(() => expect(made.bus.data('App.ready')).toBe(true));
  await flush();
  const cookie = (name: string): string | undefined => {
    const found = fake.cookies.find((c) => c.name === P + name);
    return found && decodeURIComponent(found.value);
  };
  return {
    bus: made.bus,
    server,
    fake,
    cookie,
    setCookie,
    events,
    named: (event: string) => events.filter((e) => e.event === event),
  };
}
