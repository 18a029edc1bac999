/** WebChatService on `pureengage-v3-rest` against a fake v3 server with real long polls. */
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { createCookieStore } from '../../../src/core/cookies';
import { http } from '../../../src/core/http';
import * as R from '../../../src/plugins/webchatservice/reasons';
import type { Received, TransportListener } from '../../../src/plugins/webchatservice/transport';
import {
  createV3Transport,
  V3_COOKIES,
  V3_OPEN_COOKIE,
} from '../../../src/plugins/webchatservice/v3_rest';
import { fakeJar } from '../../fake_jar';
import { reasonOf } from '../../helpers';
import { fakeV3, V3_URL, withFetch } from './fake_rest';
import { boot, received, settle } from './setup';

type V3 = ReturnType<typeof fakeV3>;
const NAMES = [...Object.values(V3_COOKIES), 'webchat.state.ping'];

afterEach(() => {
  delete window._genesys;
  vi.useRealTimers();
});

const config = (
  transport: Record<string, unknown> = {},
  webchat: Record<string, unknown> = {},
) => ({
  webchat: { transport: { type: 'pureengage-v3-rest', dataURL: V3_URL, ...transport }, ...webchat },
});

async function start(
  server: V3 = fakeV3(),
  transport: Record<string, unknown> = {},
  cookies: Record<string, string> = {},
  webchat: Record<string, unknown> = {},
) {
  const s = await boot(config(transport, webchat), cookies, withFetch(server.fetch));
  return { ...s, api: server };
}

async function chatting(transport: Record<string, unknown> = {}) {
  const s = await start(fakeV3(), transport);
  await s.bus.command('WebChatService.startChat', {
    firstname: 'Ann',
    lastname: 'Lee',
    userData: { order: 42 },
  });
  await vi.waitFor(() => expect(s.api.waiting()).toBe(1));
  return s;
}

async function ended(s: Awaited<ReturnType<typeof start>>): Promise<void> {
  await s.bus.command('WebChatService.endChat').catch(() => undefined);
  await settle();
}

describe('WebChatService on pureengage-v3-rest', () => {
  it('starts with JSON and the token header, long-polls, sends, types, updates userData, ends', async () => {
    const s = await chatting({ headers: { 'x-api-key': 'k1' }, stream: 'live' });
    const { api: server, bus, cookie } = s;
    const first = server.calls[0]!;
    expect(first.method).toBe('POST');
    expect(first.headers.get('x-nexus-client-key')).toBeNull();
    expect(first.headers.get('x-api-key')).toBe('k1');
    expect(first.json).toMatchObject({
      data: {
        firstName: 'Ann',
        lastName: 'Lee',
        nickname: 'Ann Lee',
        stream: 'live',
        userData: { order: '42', _genesys_source: 'web' },
      },
    });
    expect(typeof (first.json as { operationId: unknown }).operationId).toBe('string');
    expect(cookie(V3_COOKIES.session)).toBe('sess-1');
    expect(cookie(V3_COOKIES.keys)).toBe(server.token());
    expect(
      server.calls.slice(1).every((c) => c.headers.get('x-nexus-client-key') === server.token()),
    ).toBe(true);
    expect(s.named('started')[0]?.data).toMatchObject({
      data: { sessionId: 'sess-1', participantId: 'cust-1' },
    });

    server.join();
    server.say('Hello Ann');
    await vi.waitFor(() => expect(received(s)).toHaveLength(3));
    expect(cookie(V3_COOKIES.index)).toBe('3');
    await bus.command('WebChatService.sendMessage', { message: 'Hi Alice' });
    await vi.waitFor(() => expect(received(s)).toHaveLength(4));
    expect(received(s)).toEqual([
      { index: 1, type: 'ParticipantJoined', text: '', from: 'Client', restoring: false },
      { index: 2, type: 'ParticipantJoined', text: '', from: 'Agent', restoring: false },
      { index: 3, type: 'Message', text: 'Hello Ann', from: 'Agent', restoring: false },
      { index: 4, type: 'Message', text: 'Hi Alice', from: 'Client', restoring: false },
    ]);
    expect(s.named('agentConnected')).toHaveLength(1);

    vi.useFakeTimers({ shouldAdvanceTime: true });
    await bus.command('WebChatService.sendTyping', { message: 'typing…' });
    await vi.advanceTimersByTimeAsync(2600);
    expect(server.typing).toEqual(['TypingStarted:typing…', 'TypingStopped']);
    vi.useRealTimers();

    await bus.command('WebChatService.updateUserData', { cart: 3 });
    expect(server.userData).toEqual([{ cart: 3 }]);
    // The unseen userData update takes an index; the next message still arrives once.
    server.say('after the update');
    await vi.waitFor(() => expect(received(s).map((m) => m.text)).toContain('after the update'));

    expect(await reasonOf(bus.command('WebChatService.sendCustomNotice', { message: 'x' }))).toBe(
      R.NO_NOTICES,
    );
    expect(await reasonOf(bus.command('WebChatService.getFileLimits'))).toBe(R.NO_FILES);
    expect(await reasonOf(bus.command('WebChatService.stopPoll'))).toBe(R.NO_POLLING);

    await ended(s);
    const bye = server.calls.find((c) => c.method === 'DELETE')!;
    expect(bye.path).toBe('/nexus/v3/chat/sessions/sess-1/participants/cust-1');
    expect(s.named('ended')).toHaveLength(1);
    for (const name of NAMES) expect(cookie(name), name).toBeUndefined();
  });

  it('restores from its cookies: replays up to the stored index, news after it, polls on', async () => {
    const first = await chatting();
    first.api.say('one');
    await vi.waitFor(() => expect(first.cookie(V3_COOKIES.index)).toBe('2'));
    const cookies = Object.fromEntries(NAMES.map((name) => [name, first.cookie(name)!]));
    first.api.say('two, while away');
    const s = await start(first.api, {}, cookies);
    await vi.waitFor(() => expect(s.named('restored')).toHaveLength(1));
    await vi.waitFor(() => expect(received(s)).toHaveLength(3));
    expect(received(s)).toEqual([
      { index: 1, type: 'ParticipantJoined', text: '', from: 'Client', restoring: true },
      { index: 2, type: 'Message', text: 'one', from: 'Agent', restoring: true },
      { index: 3, type: 'Message', text: 'two, while away', from: 'Agent', restoring: false },
    ]);
    s.api.say('three');
    await vi.waitFor(() => expect(received(s)).toHaveLength(4));
    await ended(s);
  });

  it('refuses a restore after restoreTimeout from state.ping, and a tampered token with a clear error', async () => {
    const first = await chatting();
    first.api.say('kept');
    await vi.waitFor(() => expect(first.cookie(V3_COOKIES.index)).toBe('2'));
    const cookies = Object.fromEntries(NAMES.map((name) => [name, first.cookie(name)!]));
    first.bus.command('WebChatService.verifySession');

    const late = await start(
      first.api,
      {},
      { ...cookies, 'webchat.state.ping': String(Date.now() - 61000) },
    );
    await vi.waitFor(() => expect(late.named('restoreTimeout')).toHaveLength(1));
    for (const name of NAMES) expect(late.cookie(name), name).toBeUndefined();

    const tampered = await start(
      first.api,
      {},
      { ...cookies, [V3_COOKIES.keys]: `${cookies[V3_COOKIES.keys]}x` },
    );
    await vi.waitFor(() => expect(tampered.named('restoreFailed')).toHaveLength(1));
    expect(tampered.named('restoreFailed')[0]?.data).toMatchObject({
      status: 401,
      code: 'invalid_token',
    });
    for (const name of NAMES) expect(tampered.cookie(name), name).toBeUndefined();
    // Nothing changed on the server: the right token still reaches the chat.
    expect(first.api.log.entries.map((e) => e.text)).toContain('kept');
    expect(first.api.calls.some((c) => c.method === 'DELETE')).toBe(false);
    await ended(first);
  });

  it('hands {messageIndex, token} to async callbacks instead of writing cookies, and restores from them', async () => {
    let kept: Record<string, unknown> | undefined;
    const deleted = vi.fn();
    const hooks = {
      enabled: true,
      getSessionData: (data: Record<string, unknown>) => {
        kept = data;
      },
      setSessionData: () => JSON.stringify(kept),
      deleteSessionData: deleted,
    };
    const s = await chatting({ async: hooks });
    s.api.say('hi');
    await vi.waitFor(() => expect(kept?.['messageIndex']).toBe(2));
    expect(kept?.['token']).toBe(s.api.token());
    for (const name of Object.values(V3_COOKIES)) expect(s.cookie(name), name).toBeUndefined();

    const again = await start(s.api, { async: hooks });
    await vi.waitFor(() => expect(again.named('restored')).toHaveLength(1));
    await ended(again);
    expect(deleted).toHaveBeenCalled();
  });

  it("keeps WebChat's open state in its own .open cookie, beyond the chat", async () => {
    const s = await chatting();
    const webchat = s.bus.registerPlugin('WebChat');
    if (!webchat) throw new Error('WebChat taken');
    webchat.registerEvents(['opened', 'closed']);
    webchat.publish('opened', {});
    await settle();
    expect(s.cookie(V3_OPEN_COOKIE)).toBe('true');
    await ended(s);
    webchat.publish('closed', {});
    await settle();
    expect(s.cookie(V3_OPEN_COOKIE)).toBe('false');
  });

  it('drops a session the server no longer knows (INVALID_SESSION)', async () => {
    const s = await chatting();
    s.api.setOverride((call) =>
      call.method === 'GET'
        ? [
            404,
            { status: { code: 'INVALID_SESSION' }, error: { code: 'not_found', message: 'gone' } },
          ]
        : undefined,
    );
    s.api.say('wake the poll');
    await vi.waitFor(() => expect(s.named('sessionLost')).toHaveLength(1));
    expect(s.named('ended')).toHaveLength(1);
    for (const name of Object.values(V3_COOKIES)) expect(s.cookie(name), name).toBeUndefined();
  });
});

describe('pureengage-v3-rest tells a waiting visitor their place', () => {
  const places = (s: Awaited<ReturnType<typeof start>>) =>
    s.named('queuePosition').map((e) => e.data);

  it('publishes queuePosition from the catch-up and from polls that end after their wait, until an agent joins', async () => {
    const server = fakeV3();
    server.queue({ position: 2, estimatedWaitSeconds: 120 });
    const s = await start(server);
    await s.bus.command('WebChatService.startChat', { nickname: 'Ann' });
    await vi.waitFor(() => expect(server.waiting()).toBe(1));
    // The first answer, the whole chat so far, already tells it.
    expect(places(s)).toEqual([{ position: 2, estimatedWaitSeconds: 120 }]);
    server.queue({ position: 1, estimatedWaitSeconds: 45 });
    server.expire();
    await vi.waitFor(() => expect(places(s)).toHaveLength(2));
    expect(s.bus.data('WebChatService.queuePosition')).toEqual({
      position: 1,
      estimatedWaitSeconds: 45,
    });
    await vi.waitFor(() => expect(server.waiting()).toBe(1));
    server.join();
    await vi.waitFor(() => expect(s.named('agentConnected')).toHaveLength(1));
    await vi.waitFor(() => expect(server.waiting()).toBe(1));
    server.expire();
    await vi.waitFor(() => expect(server.polls().length).toBeGreaterThan(4));
    await settle();
    expect(places(s)).toHaveLength(2);
    const order = s.events
      .map((e) => e.event.split('.')[1])
      .filter((name) => name === 'queuePosition' || name === 'agentConnected');
    expect(order).toEqual(['queuePosition', 'queuePosition', 'agentConnected']);
    await ended(s);
  });

  it('publishes nothing for a server that sends no place', async () => {
    const s = await chatting();
    s.api.expire();
    await vi.waitFor(() => expect(s.api.polls().length).toBeGreaterThan(2));
    await settle();
    expect(places(s)).toEqual([]);
    await ended(s);
  });
});

/**
 * Web Locks as browsers grant them (happy-dom has none): one holder per name, the others
 * queued in order, the next one granted when the holder's callback settles.
 */
function installLocks(): () => void {
  const held = new Set<string>();
  const queues = new Map<string, (() => void)[]>();
  const locks = {
    request(name: string, callback: () => Promise<void> | void): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        const run = (): void => {
          held.add(name);
          Promise.resolve()
            .then(callback)
            .then(resolve, reject)
            .finally(() => {
              held.delete(name);
              queues.get(name)?.shift()?.();
            });
        };
        if (held.has(name)) queues.set(name, [...(queues.get(name) ?? []), run]);
        else run();
      });
    },
  };
  Object.defineProperty(window.navigator, 'locks', { configurable: true, get: () => locks });
  return () => {
    delete (window.navigator as { locks?: unknown }).locks;
  };
}

describe('pureengage-v3-rest polls once per browser', () => {
  it.each(['Web Locks', 'localStorage claims (no Web Locks on http pages)'])(
    'one tab long-polls and shares what it ' + 'gets; another takes over when it stops (%s)',
    async (how) => {
      if (how === 'Web Locks') onTestFinished(installLocks());
      onTestFinished(() => localStorage.clear());
      const server = fakeV3();
      const jar = fakeJar('shop.example.test');
      const cookies = createCookieStore({
        jar: jar.jar,
        protocol: 'https:',
        hostname: 'shop.example.test',
      });
      const setup = {
        option: (key: string) => (({ dataURL: V3_URL }) as Record<string, unknown>)[key],
        http,
        fetch: server.fetch,
        WebSocket: globalThis.WebSocket,
        win: window,
        cookies,
      };
      const tabs = [createV3Transport(setup), createV3Transport(setup)];
      const seen: Received[][] = [[], []];
      const listen = (i: number): TransportListener => ({
        pushed: (item) => seen[i]!.push(item),
        caughtUp: (items) => seen[i]!.push(...items),
        typing: () => undefined,
        member: () => undefined,
        queue: () => undefined,
        disconnected: () => undefined,
        reconnected: () => undefined,
        ended: () => undefined,
        lost: () => undefined,
      });
      await tabs[0]!.start({ nickname: 'Ann', form: {}, userData: {}, interactionData: {} });
      expect(tabs[1]!.stored()).toBeDefined();
      tabs[0]!.connect(listen(0));
      tabs[1]!.connect(listen(1));
      await vi.waitFor(() => expect(server.waiting()).toBe(1));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(server.waiting()).toBe(1);

      server.say('to both tabs');
      const texts = (i: number) => seen[i]!.map((item) => item.message.text);
      await vi.waitFor(() => expect(texts(0)).toContain('to both tabs'));
      await vi.waitFor(() => expect(texts(1)).toContain('to both tabs'));
      await vi.waitFor(() => expect(server.waiting()).toBe(1));

      // The leader's tab goes away: the other one polls from where it got to.
      const before = server.polls().length;
      tabs[0]!.stop(false);
      server.say('after the hand-over');
      await vi.waitFor(() => expect(texts(1)).toContain('after the hand-over'), { timeout: 5000 });
      expect(server.polls().length).toBeGreaterThan(before);
      expect(texts(1).filter((text) => text === 'to both tabs')).toHaveLength(1);
      tabs[1]!.stop(true);
    },
  );
});
