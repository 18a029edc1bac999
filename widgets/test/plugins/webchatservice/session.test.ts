import { afterEach, describe, expect, it, vi } from 'vitest';
import * as R from '../../../src/plugins/webchatservice/reasons';
import { reasonOf } from '../../helpers';
import { fakeServer } from './fake_server';
import { boot, received, settle, V2C, v2Config } from './setup';

const last = <T>(list: T[]): T | undefined => list[list.length - 1];

afterEach(() => {
  delete window._genesys;
  vi.useRealTimers();
});

/** A conversation with `count` agent messages, and the cookies of a page that held it. */
function longChat(count: number) {
  const server = fakeServer();
  const made = server.create();
  server.join('agent-1', 'Alice');
  for (let n = 1; n <= count; n++) server.post('agent-1', `m${n}`);
  return {
    server,
    cookies: {
      [`${V2C}JWtoken`]: made.jwt,
      [`${V2C}ConversationID`]: made.id,
      [`${V2C}MemberID`]: made.member.id,
      [`${V2C}WS_URL`]: made.eventStreamUri,
    },
  };
}

describe('async chat', () => {
  it('announces its capabilities and restores with {async: true}', async () => {
    const { server, cookies } = longChat(1);
    const s = await boot(v2Config({ async: { enabled: true } }), cookies, server);
    await settle();
    expect(s.bus.data('WebChatService.capabilities')).toEqual({
      async: true,
      asyncClose: 'hideChat',
      pagination: true,
      fileUpload: false,
    });
    expect(last(s.named('capabilitiesChanged'))?.data).toMatchObject({
      async: true,
      pagination: true,
    });
    expect(s.named('restored')[0]?.data).toEqual({ async: true });
  });

  it('is off by default: no pagination, and fetchHistory refuses', async () => {
    const { server, cookies } = longChat(1);
    const s = await boot(v2Config(), cookies, server);
    await settle();
    expect(s.bus.data('WebChatService.capabilities')).toEqual({
      async: false,
      asyncClose: 'endChat',
      pagination: false,
      fileUpload: false,
    });
    expect(await reasonOf(s.bus.command('WebChatService.fetchHistory'))).toBe(R.NO_HISTORY);
  });

  it('restores the newest page only, then pages back with fetchHistory until nothing is older', async () => {
    const { server, cookies } = longChat(7);
    const s = await boot(
      v2Config({ async: { enabled: true } }, { maxMessagePageSize: 3 }),
      cookies,
      server,
    );
    await settle();
    expect(received(s).map((m) => [m.index, m.restoring])).toEqual([
      [7, true],
      [8, true],
      [9, true],
    ]);
    expect(s.cookie(`${V2C}LastMsgId`)).toBe('msg-9');

    const page = await s.bus.command<{ messages: { index: number; text: string }[] }>(
      'WebChatService.fetchHistory',
    );
    expect(page.messages.map((m) => m.text)).toEqual(['m2', 'm3', 'm4']);
    const published = last(s.named('messageReceived'))?.data as {
      oldMessages: boolean;
      restoring: boolean;
    };
    expect(published).toMatchObject({ oldMessages: true, restoring: false });
    const history = last(server.calls)!;
    expect(history.query.get('before')).toBe('msg-7');
    expect(history.query.get('sortOrder')).toBe('descending');
    expect(s.named('agentConnected')).toHaveLength(0);

    await s.bus.command('WebChatService.fetchHistory');
    const transcript = await s.bus.command<{ messages: { index: number }[] }>(
      'WebChatService.getTranscript',
    );
    expect(transcript.messages.map((m) => m.index)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(await reasonOf(s.bus.command('WebChatService.fetchHistory'))).toBe(R.NO_MORE_HISTORY);

    // New messages still join at the end, once.
    server.post('agent-1', 'new');
    await settle();
    expect(last(received(s))).toMatchObject({ index: 10, text: 'new', restoring: false });
    expect(s.cookie(`${V2C}LastMsgId`)).toBe('msg-10');
  });
});

describe('restore', () => {
  it('replays what an earlier page showed; what came while the visitor was away is news', async () => {
    const { server, cookies } = longChat(4);
    const s = await boot(v2Config(), { ...cookies, [`${V2C}LastMsgId`]: 'msg-4' }, server);
    await settle();
    expect(received(s).map((m) => [m.index, m.restoring])).toEqual([
      [1, true],
      [2, true],
      [3, true],
      [4, true],
      [5, false],
      [6, false],
    ]);
    expect(
      s.named('messageReceived').map((e) => (e.data as { restoring: boolean }).restoring),
    ).toEqual([true, false]);
  });

  it('keeps the transcript in index order when a live message comes before the catch-up', async () => {
    const { server, cookies } = longChat(3);
    // The visitor's first message on the new page is pushed while the catch-up is on its way.
    server.setOverride((call) => {
      if (
        call.method === 'GET' &&
        call.path.endsWith('/messages') &&
        server.messages.length === 5
      ) {
        server.post('cust-1', 'first on the new page');
      }
      return undefined;
    });
    const s = await boot(v2Config(), { ...cookies, [`${V2C}LastMsgId`]: 'msg-5' }, server);
    await settle();
    expect(received(s).map((m) => m.index)[0]).toBe(6);
    const transcript = await s.bus.command<{
      messages: { index: number }[];
      originalMessages: { index: number }[];
    }>('WebChatService.getTranscript');
    expect(transcript.messages.map((m) => m.index)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(transcript.originalMessages.map((m) => m.index)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('in async chat, a last message older than the page loaded makes the whole page news', async () => {
    const { server, cookies } = longChat(6);
    const s = await boot(
      v2Config({ async: { enabled: true } }, { maxMessagePageSize: 2 }),
      { ...cookies, [`${V2C}LastMsgId`]: 'msg-3' },
      server,
    );
    await settle();
    expect(received(s).map((m) => [m.index, m.restoring])).toEqual([
      [7, false],
      [8, false],
    ]);
  });
});

describe('queue position', () => {
  it('publishes queuePosition while the visitor waits', async () => {
    const s = await boot(v2Config());
    await s.bus.command('WebChatService.startChat', { nickname: 'Ann' });
    await settle();
    s.server.queue(3, 150);
    await settle();
    expect(s.named('queuePosition').map((e) => e.data)).toEqual([
      { position: 3, estimatedWaitSeconds: 150 },
    ]);
    expect(s.bus.data('WebChatService.queuePosition')).toEqual({
      position: 3,
      estimatedWaitSeconds: 150,
    });
  });
});

describe('message indexes', () => {
  it('a kind the visitor never sees leaves an index out without a catch-up for every later message', async () => {
    const s = await boot(v2Config());
    await s.bus.command('WebChatService.startChat', { nickname: 'Ann' });
    await settle();
    s.server.join();
    s.server.unseen();
    s.server.post('agent-1', 'after the unseen one');
    await settle();
    const fetches = () =>
      s.server.calls.filter((c) => c.method === 'GET' && c.path.endsWith('/messages')).length;
    const afterGap = fetches();
    for (const text of ['one', 'two', 'three']) s.server.post('agent-1', text);
    await settle();
    expect(received(s).map((m) => m.index)).toEqual([1, 2, 4, 5, 6, 7]);
    expect(fetches()).toBe(afterGap);
    expect(s.cookie(`${V2C}LastMsgId`)).toBe('msg-7');
  });
});
