/**
 * An in-memory Knowledge Center v2 server behind a fake `fetch` (the paths of `widgets-api.md`
 * §8), and a page booted with App plus KnowledgeCenterService on it.
 */
import { expect, vi } from 'vitest';
import { startApp } from '../../../src/core/app/app';
import type { BusEvent } from '../../../src/core/types';
import { registerKnowledgeCenterService } from '../../../src/plugins/knowledgecenterservice/service';
import { fakeJar } from '../../fake_jar';
import { flush, makeBus } from '../../helpers';

export const P = '_genesys.widgets.';
export const HOST = 'https://kb.example.test/kc';

export interface Sent {
  method: string;
  url: URL;
  path: string;
  headers: Record<string, string>;
  body: Record<string, unknown> | undefined;
}

export const ARTICLES = [
  {
    kbId: 'help',
    docId: 'returns',
    title: 'How do I return an item?',
    categories: ['orders'],
    body: '# Returns\n\nSend it back within **30 days**.\n\n- Pack it\n- Print the label\n\n<img src=x onerror=alert(1)>',
  },
  {
    kbId: 'help',
    docId: 'shipping',
    title: 'How long does shipping take?',
    categories: ['orders'],
    body: 'Two to four days.',
  },
  {
    kbId: 'help',
    docId: 'password',
    title: 'Reset your password',
    categories: ['account'],
    body: 'Use the *forgot password* link.',
  },
];

export function fakeKnowledge() {
  const sent: Sent[] = [];
  const sessions = new Map<string, string>();
  let opened = 0;
  /** When set, answers instead of the server: [status, body], or 'offline' to fail the fetch. */
  let override: ((call: Sent) => [number, unknown] | 'offline' | undefined) | undefined;
  let searchDelayMs = 0;
  const answer = (status: number, body: unknown): Response =>
    new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  const matches = (q: string) =>
    ARTICLES.filter((a) =>
      q
        .split(/\s+/)
        .some((word) => word.length > 2 && a.title.toLowerCase().includes(word.toLowerCase())),
    );
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input));
    const call: Sent = {
      method: init?.method ?? 'GET',
      url,
      path: url.pathname.replace(/^\/kc/, ''),
      headers: { ...(init?.headers as Record<string, string> | undefined) },
      body:
        typeof init?.body === 'string'
          ? (JSON.parse(init.body) as Record<string, unknown>)
          : undefined,
    };
    sent.push(call);
    const overridden = override?.(call);
    if (overridden === 'offline') throw new TypeError('Failed to fetch');
    if (overridden) return answer(...overridden);
    if (call.path === '/health/v2/ping') return answer(200, { status: 'ok' });
    if (call.path === '/session/v2/sessions/') {
      opened += 1;
      const id = `s${opened}`;
      sessions.set(id, `v1.sealed-${opened}`);
      return answer(201, { sessionId: id, keys: `v1.sealed-${opened}` });
    }
    // Like Frontdesk: the sealed keys in gkc_sessionId name the session; unknown keys are refused,
    // and only votes need a session at all.
    const keys = call.headers['gkc_sessionId'] ?? '';
    const refused = (message: string) =>
      answer(401, { error: { code: 'invalid_token', message, details: {} } });
    if (keys && ![...sessions.values()].includes(keys)) return refused('The token was refused');
    if (!keys && /helpful$/.test(call.path)) return refused('Voting needs a search session');
    if (call.method === 'PATCH' && call.path.startsWith('/session/v2/sessions/')) {
      return answer(200, {
        sessionId: call.path.split('/').pop(),
        keys,
        language: call.body?.['lang'],
      });
    }
    const q = url.searchParams.get('query') ?? '';
    if (call.path === '/search/v2/search/') {
      if (searchDelayMs) await new Promise((resolve) => setTimeout(resolve, searchDelayMs));
      const cats = url.searchParams.getAll('categories');
      const found = cats.length
        ? ARTICLES.filter((a) => a.categories.some((c) => cats.includes(c)))
        : matches(q);
      return answer(200, {
        query: q,
        total: found.length,
        documents: found.map((a) => ({
          kbId: a.kbId,
          docId: a.docId,
          title: a.title,
          snippet: `… <mark>${q}</mark> &amp; &lt;b&gt;more&lt;/b&gt;…`,
          score: 1,
        })),
      });
    }
    if (call.path === '/search/v2/suggest/') {
      return answer(200, {
        query: q,
        suggestions: [
          `${q} today`,
          ...matches(q).map((a) => ({
            id: a.docId,
            kbId: a.kbId,
            title: a.title,
            titleHtml: a.title,
          })),
        ],
      });
    }
    if (call.path === '/search/v2/docs/top/') {
      return answer(200, {
        documents: ARTICLES.slice(0, Number(url.searchParams.get('size'))).map(
          ({ body: _b, ...a }) => a,
        ),
      });
    }
    if (/^\/browse\/v2\/locales\/\w+\/cats\/$/.test(call.path)) {
      return answer(200, {
        categories: [
          { id: 'orders', name: 'Orders', count: 2 },
          { id: 'account', name: 'Account', articles: 1 },
        ],
      });
    }
    const doc = /^\/browse\/v2\/locales\/\w+\/kbs\/([^/]+)\/docs\/([^/]+)$/.exec(call.path);
    if (doc) {
      const found = ARTICLES.find(
        (a) => a.kbId === decodeURIComponent(doc[1]!) && a.docId === decodeURIComponent(doc[2]!),
      );
      return found
        ? answer(200, found)
        : answer(404, { error: { code: 'not_found', message: 'No such article', details: {} } });
    }
    if (call.path.startsWith('/feedback/v2/')) return new Response(null, { status: 204 });
    return answer(404, { error: { code: 'not_found', message: 'No route', details: {} } });
  });
  return {
    sent,
    sessions,
    fetch: fetch as unknown as typeof globalThis.fetch,
    answer(fn: typeof override) {
      override = fn;
    },
    /** Make searches answer only after `ms`, to overlap them with typing. */
    slowSearches(ms: number) {
      searchDelayMs = ms;
    },
    paths: () => sent.map((call) => `${call.method} ${call.path}`),
  };
}

export type FakeKnowledge = ReturnType<typeof fakeKnowledge>;

/** Boot a page: configuration, cookies already in the jar, App, the service, then `extra`. */
export async function bootKnowledge(
  knowledgecenter: Record<string, unknown>,
  cookies: Record<string, string> = {},
  server: FakeKnowledge = fakeKnowledge(),
  extra?: (bus: ReturnType<typeof makeBus>['bus'], win: Window) => void,
) {
  window._genesys = { widgets: { knowledgecenter: { host: HOST, ...knowledgecenter } } };
  const fake = fakeJar('help.example.test');
  const setCookie = (name: string, value: string): void =>
    fake.jar.write(`${P}${name}=${encodeURIComponent(value)}; Path=/`);
  for (const [name, value] of Object.entries(cookies)) setCookie(name, value);
  const made = makeBus();
  const events: BusEvent[] = [];
  for (const event of [
    'online',
    'sessionChanged',
    'documentOpened',
    'searched',
    'suggested',
    'voted',
    'noResultsFound',
  ]) {
    made.bus.subscribe(`KnowledgeCenterService.${event}`, (e) => events.push(e));
  }
  startApp(made.bus, window, { jar: fake.jar });
  registerKnowledgeCenterService(made.bus, window, { fetch: server.fetch });
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
    named: (event: string) => events.filter((e) => e.event === `KnowledgeCenterService.${event}`),
  };
}
