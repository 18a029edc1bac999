import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerKnowledgeCenter } from '../../../src/plugins/knowledgecenter/knowledgecenter';
import { registerKnowledgeCenterService } from '../../../src/plugins/knowledgecenterservice/service';
import { registerWebChat } from '../../../src/plugins/webchat/webchat';
import { articlesOf } from '../../../src/plugins/webchat/deflection';
import { fakeKnowledge, HOST } from '../knowledgecenterservice/fake_knowledge';
import { fakeServer } from '../webchatservice/fake_server';
import { boot, settle, v2Config } from '../webchatservice/setup';
import { $, all, fill, openAndStart } from './setup';

afterEach(() => {
  delete window._genesys;
  document.body.innerHTML = '';
});

/** WebChat with KnowledgeCenter(Service) on one bus; `knowledge: false` leaves them out. */
async function page(webchat: Record<string, unknown>, knowledge = true) {
  const kb = fakeKnowledge();
  const config = {
    ...v2Config({}, webchat),
    ...(knowledge ? { knowledgecenter: { host: HOST } } : {}),
  };
  const started = await boot(config, {}, fakeServer(), (bus, win) => {
    registerWebChat(bus, win);
    if (knowledge) {
      registerKnowledgeCenterService(bus, win, { fetch: kb.fetch });
      registerKnowledgeCenter(bus, win);
    }
  });
  await settle();
  return {
    ...started,
    ui: [],
    uiNamed: () => [],
    kb,
    suggests: () => kb.paths().filter((path) => path.includes('/suggest/')),
  };
}

const titles = () => all('.fd-wc-deflect .fd-wc-article').map((el) => el.textContent);
const kcShadow = () =>
  document.querySelector('frontdesk-widget[data-plugin=KnowledgeCenter]')?.shadowRoot;

describe('chat deflection', () => {
  it('offers articles for the subject after a pause, one request per pause, opening in KnowledgeCenter', async () => {
    const p = await page({ deflection: { enabled: true } });
    await p.bus.command('WebChat.open');
    for (const typed of ['re', 'ret', 'retu', 'return']) fill('#cx_webchat_form_subject', typed);
    await vi.waitFor(() => expect(titles()).toEqual(['How do I return an item?']));
    expect(p.suggests()).toHaveLength(1);
    expect($('.fd-wc-deflect').getAttribute('aria-labelledby')).toBe('fd-wc-deflect-title');
    $<HTMLButtonElement>('.fd-wc-article').click();
    await vi.waitFor(() =>
      expect(kcShadow()?.querySelector('#fd-kc-article-title')?.textContent).toBe(
        'How do I return an item?',
      ),
    );
    // Cleared below the minimum length.
    fill('#cx_webchat_form_subject', 'r');
    await settle();
    expect(titles()).toEqual([]);
  });

  it('offers articles while the first message is typed, and stops once it is sent', async () => {
    const p = await page({ deflection: { enabled: true, maxArticles: 1 } });
    await openAndStart(p);
    fill('#fd-wc-input', 'password');
    await vi.waitFor(() => expect(titles()).toEqual(['Reset your password']));
    $<HTMLTextAreaElement>('#fd-wc-input').dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Enter' }),
    );
    await settle();
    expect(titles()).toEqual([]);
    const before = p.suggests().length;
    fill('#fd-wc-input', 'return');
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(p.suggests()).toHaveLength(before);
  });

  it('is off unless configured, and shows nothing when KnowledgeCenterService is missing', async () => {
    const off = await page({});
    await off.bus.command('WebChat.open');
    fill('#cx_webchat_form_subject', 'return');
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(off.suggests()).toHaveLength(0);
    expect(titles()).toEqual([]);
    delete window._genesys;
    document.body.innerHTML = '';

    const lone = await page({ deflection: { enabled: true } }, false);
    await lone.bus.command('WebChat.open');
    fill('#cx_webchat_form_subject', 'return');
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(titles()).toEqual([]);
    expect(all('.fd-wc-error')).toHaveLength(0);
  });

  it('keeps only well-formed articles from a reply, titles as text', () => {
    const reply = {
      documents: [
        { kbId: 'kb', docId: 'a', title: '<img src=x onerror=alert(1)>' },
        { kbId: 'kb', docId: '', title: 'x' },
        { kbId: 1, docId: 'b', title: 'x' },
        'junk',
        null,
        { kbId: 'kb', docId: 'c', title: 'C' },
        { kbId: 'kb', docId: 'd', title: 'D' },
      ],
    };
    expect(articlesOf(reply, 2)).toEqual([
      { kbId: 'kb', docId: 'a', title: '<img src=x onerror=alert(1)>' },
      { kbId: 'kb', docId: 'c', title: 'C' },
    ]);
    expect(articlesOf('nope', 3)).toEqual([]);
  });
});
