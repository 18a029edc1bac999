import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeServer } from './fake_server';
import { boot, settle, V2C, v2Config } from './setup';

const PING = 'webchat.state.ping';
const V2_NAMES = ['JWtoken', 'ConversationID', 'MemberID', 'WS_URL', 'LastMsgId'];

afterEach(() => {
  delete window._genesys;
  vi.useRealTimers();
});

function existing(lastContact: number) {
  const server = fakeServer();
  const made = server.create();
  server.join('agent-1', 'Alice');
  return {
    server,
    cookies: {
      [`${V2C}JWtoken`]: made.jwt,
      [`${V2C}ConversationID`]: made.id,
      [`${V2C}MemberID`]: made.member.id,
      [`${V2C}WS_URL`]: made.eventStreamUri,
      [`${V2C}LastMsgId`]: 'msg-2',
      [PING]: String(lastContact),
    },
  };
}

describe('restoreTimeout', () => {
  it('refuses a restore after more than restoreTimeout away (default 60 s), asking the server nothing', async () => {
    const { server, cookies } = existing(Date.now() - 61_000);
    const s = await boot(v2Config(), cookies, server);
    await settle();
    expect(s.named('restoreTimeout')).toHaveLength(1);
    expect(s.named('restoreTimeout')[0]?.data).toMatchObject({ code: 'restore_timeout' });
    expect(s.named('restored')).toHaveLength(0);
    expect(server.calls).toHaveLength(0);
    expect(server.sockets()).toHaveLength(0);
    for (const name of V2_NAMES) expect(s.cookie(V2C + name)).toBeUndefined();
    expect(s.cookie(PING)).toBeUndefined();
    expect(s.cookie('app.autoLoadList')).toBe('{"WebChatService":false}');
  });

  it('follows the configured restoreTimeout', async () => {
    const late = existing(Date.now() - 5_000);
    const s = await boot(v2Config({}, { restoreTimeout: 3_000 }), late.cookies, late.server);
    await settle();
    expect(s.named('restoreTimeout')).toHaveLength(1);
    delete window._genesys;

    const soon = existing(Date.now() - 5_000);
    const t = await boot(v2Config({}, { restoreTimeout: 10_000 }), soon.cookies, soon.server);
    await settle();
    expect(t.named('restored')).toHaveLength(1);
  });

  it('never applies to async chat, which is meant to outlive the visit', async () => {
    const { server, cookies } = existing(Date.now() - 3_600_000);
    const s = await boot(v2Config({ async: { enabled: true } }), cookies, server);
    await settle();
    expect(s.named('restored')).toHaveLength(1);
    expect(s.named('restoreTimeout')).toHaveLength(0);
  });

  it('keeps the ping cookie fresh while the chat is live and on leaving the page; clears it at the end', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const s = await boot(v2Config({}, { restoreTimeout: 4_000 }));
    await s.bus.command('WebChatService.startChat', { nickname: 'Ann' });
    await settle();
    const started = Number(s.cookie(PING));
    expect(Date.now() - started).toBeLessThan(1000);
    vi.setSystemTime(Date.now() + 2_500);
    vi.advanceTimersByTime(1_100);
    expect(Number(s.cookie(PING))).toBeGreaterThan(started + 2_000);
    vi.setSystemTime(Date.now() + 300);
    window.dispatchEvent(new Event('pagehide'));
    expect(Number(s.cookie(PING))).toBe(Date.now());
    vi.useRealTimers();
    await s.bus.command('WebChatService.endChat');
    expect(s.cookie(PING)).toBeUndefined();
  });

  it('writes nothing while the connection is down: the last contact stays the last contact', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const s = await boot(v2Config({ socketReconnectInterval: 60_000 }, { restoreTimeout: 4_000 }));
    await s.bus.command('WebChatService.startChat', { nickname: 'Ann' });
    await settle();
    window.dispatchEvent(new Event('offline'));
    await settle();
    const before = s.cookie(PING);
    vi.setSystemTime(Date.now() + 5_000);
    vi.advanceTimersByTime(3_000);
    window.dispatchEvent(new Event('pagehide'));
    expect(s.cookie(PING)).toBe(before);
    vi.useRealTimers();
    await s.bus.command('WebChatService.endChat').catch(() => undefined);
  });
});
