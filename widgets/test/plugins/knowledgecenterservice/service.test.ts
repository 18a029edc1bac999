import { afterEach, describe, expect, it } from 'vitest';
import {
  highlightParts,
  markHighlights,
} from '../../../src/plugins/knowledgecenterservice/documents';
import * as N from '../../../src/plugins/knowledgecenterservice/names';
import { reasonOf } from '../../helpers';
import { bootKnowledge, fakeKnowledge, HOST } from './fake_knowledge';

afterEach(() => {
  delete window._genesys;
  document.body.innerHTML = '';
});

describe('KnowledgeCenterService', () => {
  it('pings at start-up and opens one search session lazily, kept in both cookies', async () => {
    const page = await bootKnowledge({ apikey: 'k-1', tenantId: 'shop', knowledgebases: ['help'] });
    expect(page.server.paths()).toEqual(['GET /health/v2/ping']);
    expect(page.named('online').map((e) => e.data)).toEqual([{ online: true }]);
    expect(page.cookie(N.SESSION_COOKIE)).toBeUndefined();
    expect(await reasonOf(page.bus.command('KnowledgeCenterService.sessionInfo'))).toBe(
      N.NO_SESSION,
    );

    const [first, second] = await Promise.all([
      page.bus.command('KnowledgeCenterService.search', { query: 'return item' }),
      page.bus.command('KnowledgeCenterService.getTrending'),
    ]);
    expect(page.server.paths().filter((p) => p.includes('sessions'))).toEqual([
      'POST /session/v2/sessions/',
    ]);
    expect(page.cookie(N.SESSION_COOKIE)).toBe('s1');
    expect(page.cookie(N.KEYS_COOKIE)).toBe('v1.sealed-1');
    expect(first).toMatchObject({
      query: 'return item',
      total: 1,
      documents: [{ kbId: 'help', docId: 'returns', title: 'How do I return an item?' }],
    });
    expect((second as { documents: unknown[] }).documents).toHaveLength(3);
    const search = page.server.sent.find((call) => call.path === '/search/v2/search/')!;
    expect(search.url.href).toBe(
      `${HOST}/search/v2/search/?query=return+item&lang=en&knowledgebases=help` +
        '&media=all&size=3',
    );
    expect(search.headers).toMatchObject({
      'x-api-key': 'k-1',
      ContactCenterID: 'shop',
      gkc_sessionId: 'v1.sealed-1',
      gkc_apiClientId: 'gwidget',
    });
    expect(page.named('sessionChanged').map((e) => e.data)).toEqual([
      { sessionId: 's1', language: 'en', customer: '', media: 'all', tenantId: 'shop' },
    ]);
    expect(page.named('searched')).toHaveLength(1);
    expect(await page.bus.command('KnowledgeCenterService.sessionInfo')).toMatchObject({
      sessionId: 's1',
    });
  });

  it('browses without opening a session, and sends the keys once there is one', async () => {
    const page = await bootKnowledge({});
    await page.bus.command('KnowledgeCenterService.getCategories');
    await page.bus.command('KnowledgeCenterService.getTrending');
    await page.bus.command('KnowledgeCenterService.getSuggestions', { query: 'password' });
    await page.bus.command('KnowledgeCenterService.getFullContent', {
      kbId: 'help',
      docId: 'password',
    });
    expect(page.server.paths()).not.toContain('POST /session/v2/sessions/');
    expect(page.server.sent.map((call) => call.headers['gkc_sessionId'])).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(page.cookie(N.SESSION_COOKIE)).toBeUndefined();
    await page.bus.command('KnowledgeCenterService.vote', {
      kbId: 'help',
      docId: 'password',
      vote: 'helpful',
    });
    await page.bus.command('KnowledgeCenterService.getTrending');
    expect(page.server.paths().slice(-3)).toEqual([
      'POST /session/v2/sessions/',
      'POST /feedback/v2/helpful',
      'GET /search/v2/docs/top/',
    ]);
    expect(page.server.sent[page.server.sent.length - 1]!.headers['gkc_sessionId']).toBe(
      'v1.sealed-1',
    );
  });

  it('continues the session of an earlier page from its cookies, and reset ends it', async () => {
    const server = fakeKnowledge();
    server.sessions.set('s7', 'v1.sealed-7');
    const page = await bootKnowledge(
      {},
      { [N.SESSION_COOKIE]: 's7', [N.KEYS_COOKIE]: 'v1.sealed-7' },
      server,
    );
    await page.bus.command('KnowledgeCenterService.search', { query: 'shipping' });
    expect(server.paths()).not.toContain('POST /session/v2/sessions/');
    expect(server.sent[server.sent.length - 1]!.headers['gkc_sessionId']).toBe('v1.sealed-7');

    await page.bus.command('App.setLanguage', { lang: 'de' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    const patch = server.sent[server.sent.length - 1]!;
    expect([patch.method, patch.path, patch.body, patch.headers['gkc_sessionId']]).toEqual([
      'PATCH',
      '/session/v2/sessions/s7',
      { lang: 'de' },
      'v1.sealed-7',
    ]);
    expect(page.named('sessionChanged').map((e) => e.data)).toMatchObject([
      { sessionId: 's7', language: 'de' },
    ]);

    await page.bus.command('KnowledgeCenterService.reset');
    expect(page.cookie(N.SESSION_COOKIE)).toBeUndefined();
    expect(page.cookie(N.KEYS_COOKIE)).toBeUndefined();
    expect(page.fake.cookies.filter((c) => c.name.includes('knowledgecenter'))).toEqual([]);
    await page.bus.command('KnowledgeCenterService.search', { query: 'shipping' });
    expect(page.cookie(N.SESSION_COOKIE)).toBe('s1');
  });

  it('replaces a session the server no longer knows, and drops tampered cookies', async () => {
    const page = await bootKnowledge({}, { [N.SESSION_COOKIE]: 'gone', [N.KEYS_COOKIE]: 'old' });
    const result = await page.bus.command('KnowledgeCenterService.search', { query: 'password' });
    expect((result as { documents: unknown[] }).documents).toHaveLength(1);
    expect(page.server.paths().slice(1)).toEqual([
      'GET /search/v2/search/',
      'POST /session/v2/sessions/',
      'GET /search/v2/search/',
    ]);
    expect(page.cookie(N.SESSION_COOKIE)).toBe('s1');

    const tampered = await bootKnowledge(
      {},
      { [N.SESSION_COOKIE]: 'x\u0000y; evil', [N.KEYS_COOKIE]: 'k' },
    );
    expect(tampered.cookie(N.SESSION_COOKIE)).toBeUndefined();
    expect(tampered.cookie(N.KEYS_COOKIE)).toBeUndefined();
  });

  it('reads articles, suggests, lists categories and sends feedback in the session', async () => {
    const page = await bootKnowledge({});
    const doc = await page.bus.command('KnowledgeCenterService.getFullContent', {
      kbId: 'help',
      docId: 'returns',
    });
    expect(doc).toMatchObject({
      kbId: 'help',
      docId: 'returns',
      title: 'How do I return an item?',
      categories: ['orders'],
    });
    expect(page.named('documentOpened').map((e) => e.data)).toEqual([doc]);
    expect(
      await page.bus.command('KnowledgeCenterService.getSuggestions', { query: 'shipping' }),
    ).toMatchObject({
      query: 'shipping',
      suggestions: ['shipping today'],
      documents: [{ docId: 'shipping' }],
    });
    expect(await page.bus.command('KnowledgeCenterService.getCategories')).toEqual({
      categories: [
        { id: 'orders', name: 'Orders', count: 2 },
        { id: 'account', name: 'Account', count: 1 },
      ],
    });
    expect(
      await page.bus.command('KnowledgeCenterService.search', {
        query: '',
        categories: ['account'],
      }),
    ).toMatchObject({ documents: [{ docId: 'password' }] });

    await page.bus.command('KnowledgeCenterService.visit', {
      kbId: 'help',
      docId: 'returns',
      query: 'return',
    });
    expect(
      await page.bus.command('KnowledgeCenterService.vote', {
        kbId: 'help',
        docId: 'returns',
        vote: true,
      }),
    ).toEqual({ kbId: 'help', docId: 'returns', vote: 'helpful' });
    await page.bus.command('KnowledgeCenterService.vote', {
      kbId: 'help',
      docId: 'returns',
      vote: 'unhelpful',
    });
    await page.bus.command('KnowledgeCenterService.unanswered', { query: 'gift wrapping' });
    await page.bus.command('KnowledgeCenterService.visit', { kbId: 'help', docId: '42' });
    const posts = page.server.sent.filter(
      (call) => call.method === 'POST' && call.path.startsWith('/feedback'),
    );
    expect(posts.map((call) => [call.path, call.body, call.headers['gkc_sessionId']])).toEqual([
      [
        '/feedback/v2/view',
        { kbId: 'help', docId: 'returns', query: 'return', lang: 'en' },
        'v1.sealed-1',
      ],
      [
        '/feedback/v2/helpful',
        { kbId: 'help', docId: 'returns', query: '', lang: 'en' },
        'v1.sealed-1',
      ],
      [
        '/feedback/v2/unhelpful',
        { kbId: 'help', docId: 'returns', query: '', lang: 'en' },
        'v1.sealed-1',
      ],
      ['/feedback/v2/notfound', { query: 'gift wrapping', lang: 'en' }, 'v1.sealed-1'],
      ['/feedback/v2/view', { kbId: 'help', docId: 42, query: '', lang: 'en' }, 'v1.sealed-1'],
    ]);
    expect(page.named('voted')).toHaveLength(2);
  });

  it('publishes noResultsFound, and rejects with the server error or an offline reason', async () => {
    const page = await bootKnowledge({});
    await page.bus.command('KnowledgeCenterService.search', { query: 'zzz' });
    expect(page.named('noResultsFound').map((e) => e.data)).toEqual([
      { query: 'zzz', categories: [] },
    ]);
    expect(
      await reasonOf(
        page.bus.command('KnowledgeCenterService.getFullContent', { kbId: 'help', docId: 'nope' }),
      ),
    ).toBe('No such article');
    page.server.answer(() => 'offline');
    expect(await reasonOf(page.bus.command('KnowledgeCenterService.search', { query: 'x' }))).toBe(
      'The knowledge center cannot be reached',
    );
    expect(
      await page.bus.command('KnowledgeCenterService.configure', { maxSearchResults: 5 }),
    ).toMatchObject({ maxSearchResults: 5 });
    expect(page.named('online').slice(-1)[0]!.data).toEqual({ online: false });
  });

  it('keeps a hostile server reply harmless', async () => {
    const page = await bootKnowledge({});
    page.server.answer((call) =>
      call.path === '/search/v2/search/'
        ? [
            200,
            {
              response: {
                documents: [
                  { id: 7, kbId: 'k', title: { x: 1 }, snippet: 'a\u0002b<mark>c</mark>' },
                  { title: 'no ids' },
                  'junk',
                  null,
                ],
                total: 'lots',
              },
            },
          ]
        : undefined,
    );
    const result = await page.bus.command('KnowledgeCenterService.search', { query: 'x' });
    expect(result).toMatchObject({
      total: 1,
      documents: [{ kbId: 'k', docId: '7', title: '', snippet: 'ab\u0002c\u0003' }],
    });
    page.server.answer((call) =>
      call.path === '/session/v2/sessions/' ? [201, { sessionId: 'a\r\nb' }] : undefined,
    );
    await page.bus.command('KnowledgeCenterService.reset');
    expect(await reasonOf(page.bus.command('KnowledgeCenterService.search', { query: 'x' }))).toBe(
      'The knowledge center opened no usable session',
    );
    expect(page.cookie(N.SESSION_COOKIE)).toBeUndefined();
  });

  it('rejects bad input with clear reasons and sends nothing', async () => {
    const page = await bootKnowledge({});
    const sent = page.server.sent.length;
    const reason = (command: string, data?: object) =>
      reasonOf(page.bus.command(`KnowledgeCenterService.${command}`, data));
    expect(await reason('configure', {})).toBe(N.NOT_CONFIGURED);
    expect(await reason('search', {})).toBe(N.BAD_QUERY);
    expect(await reason('search', { query: '   ' })).toBe(N.BAD_QUERY);
    expect(await reason('search', { query: 'x'.repeat(501) })).toBe(N.BAD_QUERY);
    expect(await reason('search', { query: 'x', categories: 'orders' })).toBe(N.BAD_LIST);
    expect(await reason('search', { query: 'x', maxSearchResults: 1e6 })).toBe(N.BAD_SIZE);
    expect(await reason('getSuggestions', { query: 42 })).toBe(N.BAD_QUERY);
    expect(await reason('getFullContent', { kbId: 'help' })).toBe(N.BAD_DOCUMENT);
    expect(await reason('vote', { kbId: 'help', docId: 'returns', vote: 'meh' })).toBe(N.BAD_VOTE);
    expect(await reason('unanswered', {})).toBe(N.BAD_QUERY);
    expect(page.server.sent).toHaveLength(sent);
    await page.bus.command('KnowledgeCenterService.configure', { host: '' });
    expect(await reason('search', { query: 'x' })).toBe(N.NO_HOST);
  });

  it('turns server highlight markers into balanced parts and strips forged ones', () => {
    expect(
      highlightParts(markHighlights('<mark>Ret</mark>urns \u0002x and <MARK>label</MARK>')),
    ).toEqual([
      { text: 'Ret', hit: true },
      { text: 'urns x and ', hit: false },
      { text: 'label', hit: true },
    ]);
    // Escaped text stays text: an escaped tag, an escaped marker, a forged control character.
    expect(
      highlightParts(
        markHighlights('&lt;mark&gt;A &amp; B&#x27;s&lt;/mark&gt; &#2;<em>x</em>&#x3;'),
      ),
    ).toEqual([{ text: "<mark>A & B's</mark> x", hit: false }]);
  });
});
