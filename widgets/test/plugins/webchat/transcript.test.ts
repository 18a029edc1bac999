import { afterEach, describe, expect, it } from 'vitest';
import { fakeServer } from '../webchatservice/fake_server';
import { settle, V2C } from '../webchatservice/setup';
import { $, bubbles, page, shadow } from './setup';

afterEach(() => {
  delete window._genesys;
  document.body.innerHTML = '';
});

function existing(agentMessages: number) {
  const server = fakeServer();
  const made = server.create('Ann Lee');
  server.join('agent-1', 'Alice');
  for (let n = 1; n <= agentMessages; n++) server.post('agent-1', `m${n}`);
  return {
    server,
    cookies: {
      [`${V2C}JWtoken`]: made.jwt,
      [`${V2C}ConversationID`]: made.id,
      [`${V2C}MemberID`]: made.member.id,
      [`${V2C}WS_URL`]: made.eventStreamUri,
      'webchat.state.open': 'true',
    },
  };
}

const historyCalls = (server: ReturnType<typeof fakeServer>) =>
  server.calls.filter((c) => c.query.get('before') !== null);
const scrollToTop = () => $('#fd-wc-log').dispatchEvent(new Event('scroll'));

describe('older messages (async chat)', () => {
  it('scrolling to the top loads the page before, shown above, until there is nothing older', async () => {
    const { server, cookies } = existing(7);
    await page({ async: { enabled: true }, maxMessagePageSize: 3 }, cookies, server);
    await settle();
    expect(bubbles()).toEqual(['m5', 'm6', 'm7']);
    scrollToTop();
    expect($('.fd-wc-loading').textContent).toBe('Loading earlier messages…');
    expect($('#fd-wc-log').getAttribute('aria-busy')).toBe('true');
    scrollToTop();
    await settle();
    expect(historyCalls(server)).toHaveLength(1);
    expect(shadow()?.querySelector('.fd-wc-loading')).toBeNull();
    expect(bubbles()).toEqual(['m2', 'm3', 'm4', 'm5', 'm6', 'm7']);
    scrollToTop();
    await settle();
    expect(bubbles()).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7']);
    expect(shadow()?.querySelectorAll('.fd-wc-system')[0]?.textContent).toBe('Chat started');
    scrollToTop();
    await settle();
    scrollToTop();
    await settle();
    expect(historyCalls(server)).toHaveLength(2);
  });

  it('a transcript too short to scroll pages back on a wheel turn upwards', async () => {
    const { server, cookies } = existing(4);
    await page({ async: { enabled: true }, maxMessagePageSize: 2 }, cookies, server);
    await settle();
    $('#fd-wc-log').dispatchEvent(new WheelEvent('wheel', { deltaY: 40 }));
    await settle();
    expect(historyCalls(server)).toHaveLength(0);
    $('#fd-wc-log').dispatchEvent(new WheelEvent('wheel', { deltaY: -40 }));
    await settle();
    expect(bubbles()).toEqual(['m1', 'm2', 'm3', 'm4']);
  });

  it('is not asked for without async chat: the whole history is there already', async () => {
    const { server, cookies } = existing(7);
    await page({ maxMessagePageSize: 3 }, cookies, server);
    await settle();
    expect(bubbles()).toHaveLength(7);
    scrollToTop();
    await settle();
    expect(historyCalls(server)).toHaveLength(0);
  });
});
