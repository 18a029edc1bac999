import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BusEvent } from '../../../src/core/types';
import { articleBody } from '../../../src/plugins/knowledgecenter/article';
import { registerKnowledgeCenter } from '../../../src/plugins/knowledgecenter/knowledgecenter';
import * as N from '../../../src/plugins/knowledgecenter/names';
import { reasonOf } from '../../helpers';
import { settle } from '../webchatservice/setup';
import {
  bootKnowledge,
  fakeKnowledge,
  type FakeKnowledge,
} from '../knowledgecenterservice/fake_knowledge';
import { h, render } from 'preact';

afterEach(() => {
  delete window._genesys;
  document.body.innerHTML = '';
  vi.useRealTimers();
});

async function page(
  knowledgecenter: Record<string, unknown> = {},
  server: FakeKnowledge = fakeKnowledge(),
) {
  const ui: BusEvent[] = [];
  const started = await bootKnowledge(knowledgecenter, {}, server, (bus, win) => {
    registerKnowledgeCenter(bus, win);
    for (const name of ['opened', 'closed'])
      bus.subscribe(`KnowledgeCenter.${name}`, (event) => ui.push(event));
  });
  await settle();
  return { ...started, ui };
}

const shadow = () =>
  document.querySelector('frontdesk-widget[data-plugin=KnowledgeCenter]')?.shadowRoot;
const $ = <T extends Element = HTMLElement>(selector: string): T => {
  const found = shadow()?.querySelector<T>(selector);
  if (!found) throw new Error(`no ${selector}`);
  return found;
};
const all = (selector: string): HTMLElement[] =>
  Array.from(shadow()?.querySelectorAll<HTMLElement>(selector) ?? []);
const texts = (selector: string): string[] => all(selector).map((el) => el.textContent ?? '');
function type(value: string) {
  const input = $<HTMLInputElement>('#fd-kc-query');
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
}
const key = (name: string) =>
  $('#fd-kc-query').dispatchEvent(
    new KeyboardEvent('keydown', { key: name, bubbles: true, cancelable: true }),
  );
const submit = () =>
  $<HTMLFormElement>('.fd-kc-search').dispatchEvent(new Event('submit', { cancelable: true }));

describe('KnowledgeCenter', () => {
  it('opens on topics and popular articles, focused on the search box', async () => {
    const p = await page({ maxTrendingResults: 2 });
    await p.bus.command('KnowledgeCenter.open');
    await settle();
    expect(shadow()!.activeElement?.id).toBe('fd-kc-query');
    expect(texts('.fd-kc-chip')).toEqual(['Orders', 'Account']);
    expect(texts('.fd-kc-trending .fd-kc-doc-title')).toEqual([
      'How do I return an item?',
      'How long does shipping take?',
    ]);
    expect(p.ui.map((e) => e.event)).toEqual(['KnowledgeCenter.opened']);
    expect(await reasonOf(p.bus.command('KnowledgeCenter.open'))).toBe(N.ALREADY_OPENED);
    expect(await reasonOf(p.bus.command('KnowledgeCenter.configure', {}))).toBe(
      N.INVALID_CONFIGURATION,
    );
    expect(await p.bus.command('KnowledgeCenter.configure', { maxSearchResults: 7 })).toMatchObject(
      { maxSearchResults: 7, maxTrendingResults: 2 },
    );
  });

  it('suggests while typing after a pause, navigable by keyboard', async () => {
    const p = await page();
    await p.bus.command('KnowledgeCenter.open');
    await settle();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    type('s');
    type('sh');
    type('shipping');
    vi.advanceTimersByTime(N.SUGGEST_DELAY_MS - 1);
    expect(p.server.paths().filter((path) => path.includes('suggest'))).toHaveLength(0);
    vi.advanceTimersByTime(1);
    vi.useRealTimers();
    await settle();
    expect(
      p.server.sent
        .filter((call) => call.path.includes('suggest'))
        .map((call) => call.url.searchParams.get('query')),
    ).toEqual(['shipping']);
    const input = $('#fd-kc-query');
    expect(input.getAttribute('aria-expanded')).toBe('true');
    expect(texts('[role=option]')).toEqual(['shipping today', 'How long does shipping take?']);
    key('ArrowDown');
    key('ArrowDown');
    expect(input.getAttribute('aria-activedescendant')).toBe('fd-kc-option-1');
    expect($('#fd-kc-option-1').getAttribute('aria-selected')).toBe('true');
    key('ArrowDown');
    expect(input.getAttribute('aria-activedescendant')).toBeNull();
    key('ArrowUp');
    expect(input.getAttribute('aria-activedescendant')).toBe('fd-kc-option-1');
    key('Enter');
    await settle();
    expect($('.fd-kc-window').dataset['stage']).toBe('article');
    expect($('#fd-kc-article-title').textContent).toBe('How long does shipping take?');
  });

  it('searches and shows snippets with highlights as elements, server markup as text', async () => {
    const p = await page();
    await p.bus.command('KnowledgeCenter.open');
    type('return item');
    submit();
    await settle();
    expect($('#fd-kc-count').textContent).toBe('1 article for “return item”');
    const snippet = $('.fd-kc-snippet');
    expect(snippet.querySelectorAll('mark')).toHaveLength(1);
    expect(snippet.querySelector('mark')!.textContent).toBe('return item');
    expect(snippet.querySelector('b')).toBeNull();
    expect(snippet.textContent).toBe('… return item & <b>more</b>…');
  });

  it('keeps the results of a search when the visitor types on while it runs', async () => {
    const p = await page();
    await p.bus.command('KnowledgeCenter.open');
    p.server.slowSearches(N.SUGGEST_DELAY_MS + 150);
    type('shipping');
    submit();
    type('shipping time');
    await vi.waitFor(() => expect(p.server.paths()).toContain('GET /search/v2/suggest/'));
    await vi.waitFor(
      () =>
        expect(texts('.fd-kc-results .fd-kc-doc-title')).toEqual(['How long does shipping take?']),
      { timeout: 2000 },
    );
  });

  it('opens an article as safe Markdown, records the view and takes one vote', async () => {
    const p = await page();
    await p.bus.command('KnowledgeCenter.search', { query: 'return item' });
    await settle();
    $<HTMLButtonElement>('[data-doc=returns]').click();
    await settle();
    expect(shadow()!.activeElement?.id).toBe('fd-kc-article-title');
    expect(texts('.fd-kc-body h3')).toEqual(['Returns']);
    expect($('.fd-kc-body strong').textContent).toBe('30 days');
    expect(texts('.fd-kc-body li')).toEqual(['Pack it', 'Print the label']);
    expect(shadow()!.querySelector('.fd-kc-body img')).toBeNull();
    expect($('.fd-kc-body').textContent).toContain('<img src=x onerror=alert(1)>');
    const views = p.server.sent.filter((call) => call.path === '/feedback/v2/view');
    expect(views.map((call) => call.body)).toEqual([
      { kbId: 'help', docId: 'returns', query: 'return item', lang: 'en' },
    ]);

    $<HTMLButtonElement>('#fd-kc-no').click();
    await settle();
    expect($('#fd-kc-thanks').textContent).toBe('Thank you for your feedback.');
    expect(shadow()!.activeElement?.id).toBe('fd-kc-thanks');
    expect(shadow()!.querySelector('#fd-kc-yes')).toBeNull();
    expect(p.server.paths().filter((path) => path.includes('helpful'))).toEqual([
      'POST /feedback/v2/unhelpful',
    ]);
    expect(p.named('voted').map((e) => e.data)).toEqual([
      { kbId: 'help', docId: 'returns', vote: 'unhelpful' },
    ]);

    $<HTMLButtonElement>('.fd-kc-back').click();
    expect($('.fd-kc-window').dataset['stage']).toBe('results');
    expect(shadow()!.activeElement?.getAttribute('data-doc')).toBe('returns');
  });

  it('reports a question without an answer once, and offers topics instead', async () => {
    const p = await page();
    await p.bus.command('KnowledgeCenter.open');
    for (let i = 0; i < 2; i++) {
      type('gift wrapping');
      submit();
      await settle();
    }
    expect($('#fd-kc-empty').textContent).toBe('No article matches “gift wrapping”.');
    expect(p.server.paths().filter((path) => path.includes('notfound'))).toHaveLength(1);
    $<HTMLButtonElement>('[data-category=account]').click();
    await settle();
    expect(texts('.fd-kc-results .fd-kc-doc-title')).toEqual(['Reset your password']);
    expect($('#fd-kc-count').textContent).toBe('1 article for “Account”');
    const topic = p.server.sent[p.server.sent.length - 1]!;
    expect([
      topic.path,
      topic.url.searchParams.get('categories'),
      topic.url.searchParams.get('size'),
    ]).toEqual(['/search/v2/docs/top/', 'account', '50']);
  });

  it('says so when the service is unreachable, in the page language, and closes with Escape', async () => {
    const p = await page();
    await p.bus.command('App.setLanguage', { lang: 'de' });
    await p.bus.command('KnowledgeCenter.open');
    p.server.answer(() => 'offline');
    type('versand');
    submit();
    await settle();
    expect($('.fd-kc-error').textContent).toContain('nicht erreichbar');
    expect($('#fd-kc-submit').textContent).toBe('Suchen');
    $('.fd-kc-window').dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }),
    );
    await settle();
    expect(shadow()!.querySelector('.fd-kc-window')).toBeNull();
    expect(p.ui.map((e) => e.event)).toEqual(['KnowledgeCenter.opened', 'KnowledgeCenter.closed']);
    expect(await reasonOf(p.bus.command('KnowledgeCenter.close'))).toBe(N.ALREADY_CLOSED);
    expect(await reasonOf(p.bus.command('KnowledgeCenter.search', { query: '' }))).toMatch(/query/);
  });

  it('open with an article shows it, also in a panel already open (chat deflection)', async () => {
    const p = await page();
    await p.bus.command('KnowledgeCenter.open', {
      article: { kbId: 'help', docId: 'shipping', title: 'Shipping' },
    });
    await vi.waitFor(() =>
      expect($('#fd-kc-article-title').textContent).toBe('How long does shipping take?'),
    );
    await p.bus.command('KnowledgeCenter.open', { article: { kbId: 'help', docId: 'password' } });
    await vi.waitFor(() =>
      expect($('#fd-kc-article-title').textContent).toBe('Reset your password'),
    );
    expect(p.ui.map((e) => e.event)).toEqual(['KnowledgeCenter.opened']);
    // An article without ids is no article: an open panel still refuses.
    expect(
      await reasonOf(p.bus.command('KnowledgeCenter.open', { article: { kbId: 'help' } })),
    ).toBe(N.ALREADY_OPENED);
  });
});

describe('articleBody', () => {
  it('renders blocks and keeps links to the allow-list', () => {
    const holder = document.createElement('div');
    render(
      h(
        'div',
        null,
        articleBody(
          '## Steps\n1. One\n2. [Two](https://example.test)\n\n> quoted\n\n```\n<b>code</b>\n```\n[bad](javascript:alert(1))',
        ),
      ),
      holder,
    );
    expect(holder.querySelector('h4')!.textContent).toBe('Steps');
    expect(Array.from(holder.querySelectorAll('ol li')).map((li) => li.textContent)).toEqual([
      'One',
      'Two',
    ]);
    expect(holder.querySelector('a')!.getAttribute('href')).toBe('https://example.test');
    expect(holder.querySelectorAll('a')).toHaveLength(1);
    expect(holder.querySelector('blockquote')!.textContent).toBe('quoted');
    expect(holder.querySelector('pre code')!.textContent).toBe('<b>code</b>');
    expect(holder.textContent).toContain('[bad](javascript:alert(1))');
  });
});
