import { afterEach, describe, expect, it, vi } from 'vitest';
import * as R from '../../../src/plugins/webchatservice/reasons';
import { reasonOf } from '../../helpers';
import { fakeServer } from './fake_server';
import { boot, received, settle, V2C, v2Config } from './setup';

const last = <T>(list: T[]): T | undefined => list[list.length - 1];
const COOKIES = ['JWtoken', 'ConversationID', 'MemberID', 'WS_URL', 'LastMsgId'];

afterEach(() => {
  delete window._genesys;
  vi.useRealTimers();
});

async function chat(
  transport: Record<string, unknown> = {},
  webchat: Record<string, unknown> = {},
) {
  const started = await boot(v2Config(transport, webchat));
  await started.bus.command('WebChatService.startChat', {
    firstname: 'Ann',
    lastname: 'Lee',
    email: 'ann@example.test',
    subject: 'Help',
    userData: { order: 42 },
  });
  await settle();
  return started;
}

describe('WebChatService on purecloud-v2-sockets', () => {
  it('start → messages both ways → typing → end, with every v2 cookie written and cleared', async () => {
    const s = await chat();
    const { server, bus, cookie } = s;
    const create = server.calls[0]!;
    expect(create.method).toBe('POST');
    expect(create.path).toBe('/api/v2/webchat/guest/conversations');
    expect(create.auth).toBeNull();
    expect(create.body).toMatchObject({
      deploymentId: 'dep-1',
      organizationId: 'org-1',
      routingTarget: { targetType: 'QUEUE' },
      memberInfo: {
        displayName: 'Ann Lee',
        role: 'CUSTOMER',
        customFields: {
          firstName: 'Ann',
          lastName: 'Lee',
          email: 'ann@example.test',
          subject: 'Help',
          order: '42',
          _genesys_source: 'web',
        },
      },
    });
    expect(s.named('started')[0]?.data).toEqual({
      data: {
        conversationId: 'conv-1',
        memberId: 'cust-1',
        eventStreamUri: 'wss://api.example.test/stream/conv-1',
      },
    });
    expect(cookie(`${V2C}JWtoken`)).toBe('jwt-1');
    expect(cookie(`${V2C}ConversationID`)).toBe('conv-1');
    expect(cookie(`${V2C}MemberID`)).toBe('cust-1');
    expect(cookie(`${V2C}WS_URL`)).toBe('wss://api.example.test/stream/conv-1');
    expect(cookie(`${V2C}WS_URL`)).not.toContain('jwt');
    expect(cookie('app.autoLoadList')).toBe('{"WebChatService":true}');
    expect(server.socket()?.url).toBe('wss://api.example.test/stream/conv-1');
    expect(server.socket()?.sent[0]).toEqual({ type: 'auth', token: 'jwt-1' });
    expect(server.calls.slice(1).every((c) => c.auth === 'Bearer jwt-1')).toBe(true);
    expect(s.named('clientConnected')).toHaveLength(1);
    expect(cookie(`${V2C}LastMsgId`)).toBe('msg-1');

    server.join('agent-1', 'Alice');
    server.post('agent-1', 'Hello Ann');
    await settle();
    expect(s.named('agentConnected')).toHaveLength(1);
    await bus.command('WebChatService.sendMessage', { message: 'Hi Alice' });
    await settle();
    expect(received(s)).toEqual([
      { index: 1, type: 'ParticipantJoined', text: '', from: 'Client', restoring: false },
      { index: 2, type: 'ParticipantJoined', text: '', from: 'Agent', restoring: false },
      { index: 3, type: 'Message', text: 'Hello Ann', from: 'Agent', restoring: false },
      { index: 4, type: 'Message', text: 'Hi Alice', from: 'Client', restoring: false },
    ]);
    const agentMessage = s.named('messageReceived')[2]!.data as Record<string, unknown>;
    expect(agentMessage).toMatchObject({
      restoring: false,
      sessionData: { conversationId: 'conv-1' },
      originalMessages: [{ id: 'msg-3', index: 3, body: 'Hello Ann' }],
      messages: [
        {
          index: 3,
          type: 'Message',
          text: 'Hello Ann',
          id: 'msg-3',
          timestamp: Date.UTC(2026, 0, 1, 0, 0, 3),
          from: { id: 'agent-1', type: 'Agent', name: 'Alice' },
        },
      ],
    });
    expect(cookie(`${V2C}LastMsgId`)).toBe('msg-4');

    await bus.command('WebChatService.sendTyping', { message: 'preview' });
    expect(last(server.calls)).toMatchObject({
      method: 'POST',
      path: '/api/v2/webchat/guest/conversations/conv-1/members/cust-1/typing',
    });

    const transcript = await bus.command<{ messages: unknown[] }>('WebChatService.getTranscript');
    expect(transcript.messages).toHaveLength(4);
    const agents = await bus.command<{
      agents: Record<string, { name: string; connected: boolean }>;
    }>('WebChatService.getAgents');
    expect(agents.agents['agent-1']).toMatchObject({ name: 'Alice', connected: true });

    await bus.command('WebChatService.endChat');
    await settle();
    expect(last(server.calls)).toMatchObject({
      method: 'DELETE',
      path: '/api/v2/webchat/guest/conversations/conv-1/members/cust-1',
    });
    expect(s.named('ended')).toHaveLength(1);
    for (const name of COOKIES) expect(cookie(V2C + name)).toBeUndefined();
    expect(cookie('app.autoLoadList')).toBe('{"WebChatService":false}');
    expect(server.socket()?.closed).toBe(true);
    await expect(bus.command('WebChatService.verifySession')).resolves.toEqual({
      sessionActive: false,
    });
    const stats = await bus.command<{ endTime: number; duration: number }>(
      'WebChatService.getStats',
    );
    expect(stats.endTime).toBeGreaterThan(0);
  });

  it('agent typing starts, and stops by itself after 3 s (agentTypingTimeout)', async () => {
    const s = await chat();
    vi.useFakeTimers({ shouldAdvanceTime: true });
    s.server.join('agent-1', 'Alice');
    s.server.broadcast('typing-indicator', { sender: { id: 'agent-1' } });
    await settle();
    expect(s.named('agentTypingStarted')[0]?.data).toEqual({
      from: { id: 'agent-1', name: 'Alice', type: 'Agent' },
    });
    expect(s.bus.data('WebChatService.agentTyping')).toBe(true);
    vi.advanceTimersByTime(3100);
    await settle();
    expect(s.named('agentTypingStopped')).toHaveLength(1);
    expect(s.named('agentTypingTimeout')).toHaveLength(1);

    s.server.broadcast('typing-indicator', { sender: { id: 'agent-1' } });
    await settle();
    s.server.post('agent-1', 'done typing');
    await settle();
    expect(s.named('agentTypingStopped')).toHaveLength(2);
    expect(s.named('agentTypingTimeout')).toHaveLength(1);
  });

  it('rejects with the Genesys strings', async () => {
    const none = await boot({ webchat: { transport: { type: 'no-such-transport' } } });
    const reason = (command: string, options?: object) =>
      reasonOf(none.bus.command(`WebChatService.${command}`, options));
    expect(await reason('startChat')).toBe(R.UNKNOWN_TRANSPORT);
    expect(await reason('endChat')).toBe('There is no active chat session');
    expect(await reason('sendMessage', { message: 'x' })).toBe('There is no active chat session');
    expect(await reason('sendMessage', {})).toBe('No message text provided');
    expect(await reason('sendTyping')).toBe('There is no active chat session');
    expect(await reason('sendFilteredMessage', { message: 'x', regex: /x/ })).toBe(
      'No active chat session.',
    );
    expect(await reason('restore')).toBe('No chat session found to restore.');
    expect(await reason('addPrefilter', { filters: 'x' })).toBe(
      'Missing or invalid filters provided. ' +
        'Please provide a regular expression or an array of regular expressions',
    );
    expect(await reason('addPrefilter', {})).toBe(R.BAD_FILTERS);
    expect(await reason('registerPreProcessor', {})).toBe(R.NO_PREPROCESSOR);
    expect(await reason('startChat', { userData: '{oops' })).toBe(
      'malformed JSON provided in userData property',
    );
    expect(await reason('fetchHistory')).toBe(
      'Fetching messages history applies to only Asynchronous chat.',
    );
    await expect(none.bus.command('WebChatService.updateUserData', { a: 1 })).resolves.toEqual({
      a: 1,
    });
    delete window._genesys;

    const s = await chat({}, { maxMessageLength: 5 });
    const active = (command: string, options?: object) =>
      reasonOf(s.bus.command(`WebChatService.${command}`, options));
    expect(await active('startChat')).toBe('There is already an active chat session');
    expect(await active('sendMessage', { message: 'too long' })).toBe(
      'Message length exceeds configured threshold of (5) characters',
    );
    expect(await active('sendCustomNotice', { message: 'x' })).toBe(
      "This transport doesn't support sendCustomNotice command.",
    );
    expect(await active('sendFile')).toBe("This transport doesn't support file uploads.");
    expect(await active('getFileLimits')).toBe("This transport doesn't support file uploads.");
    expect(await active('updateUserData', { a: 1 })).toBe(R.NO_USERDATA_UPDATE);
    expect(await active('restore')).toBe(
      'Chat session is already active, ignoring restore command.',
    );
  });

  it('publishes error with the server envelope when the start fails', async () => {
    const server = fakeServer();
    server.setOverride((call) =>
      call.method === 'POST'
        ? [
            503,
            {
              error: {
                code: 'queue_closed',
                message: 'Queue closed',
                details: { queue: 'q' },
              },
            },
          ]
        : undefined,
    );
    const s = await boot(v2Config(), {}, server);
    const reason = await reasonOf(s.bus.command('WebChatService.startChat', { nickname: 'x' }));
    expect(reason).toEqual({
      status: 503,
      code: 'queue_closed',
      message: 'Queue closed',
      details: { queue: 'q' },
    });
    await settle();
    expect(s.named('error')[0]?.data).toMatchObject({
      errors: [{ code: 'purecloud-v2-sockets-queue_closed', message: 'Queue closed' }],
    });
    expect(s.cookie(`${V2C}ConversationID`)).toBeUndefined();
  });
});

describe('registerTypingPreviewInput', () => {
  it('takes only a textarea or a text input, with the Genesys rejection otherwise', async () => {
    const s = await boot(v2Config());
    const reason = (input: unknown) =>
      reasonOf(s.bus.command('WebChatService.registerTypingPreviewInput', { input }));
    const checkbox = document.createElement('input');
    checkbox.type = 'checkbox';
    for (const bad of [
      undefined,
      'textarea',
      { tagName: 'TEXTAREA' },
      document.createElement('div'),
      checkbox,
    ]) {
      const rejected = await reason(bad);
      expect(rejected).toBe(R.BAD_PREVIEW_INPUT);
      expect(String(rejected).startsWith("Invalid value provided for the 'input' property")).toBe(
        true,
      );
    }
    const text = document.createElement('input');
    text.type = 'text';
    await expect(
      s.bus.command('WebChatService.registerTypingPreviewInput', { input: text }),
    ).resolves.toBeUndefined();
  });

  it('tells the agent the visitor is typing in the registered input (throttled)', async () => {
    const s = await chat();
    const input = document.createElement('textarea');
    await s.bus.command('WebChatService.registerTypingPreviewInput', { input });
    const typing = () => s.server.calls.filter((c) => c.path.endsWith('/typing')).length;
    input.dispatchEvent(new Event('input'));
    await settle();
    expect(typing()).toBe(0);
    input.value = 'Hel';
    input.dispatchEvent(new Event('input'));
    input.value = 'Hello';
    input.dispatchEvent(new Event('input'));
    await settle();
    expect(typing()).toBe(1);
    expect(s.named('clientTypingStarted')).toHaveLength(1);
  });
});

describe('pre-filters and pre-processors', () => {
  it('hide matching messages, persist in webchat.state.filters, and clear at chat end', async () => {
    const s = await chat();
    const list = await s.bus.command('WebChatService.addPrefilter', { filters: [/^microapp:/i] });
    expect(list).toEqual([/^microapp:/i]);
    expect(JSON.parse(s.cookie('webchat.state.filters')!)).toEqual({
      custom: [{ source: '^microapp:', flags: 'i' }],
    });
    // Another tab adds a filter straight into the cookie: it applies here too.
    s.setCookie(
      'webchat.state.filters',
      JSON.stringify({
        custom: [
          { source: '^microapp:', flags: 'i' },
          { source: 'secret', flags: 'g' },
        ],
      }),
    );
    await s.bus.command('WebChatService.registerPreProcessor', {
      preprocessor: (m: { text: string }) => ({ ...m, text: m.text.toUpperCase() }),
    });
    s.server.join();
    s.server.post('agent-1', 'MicroApp:open');
    s.server.post('agent-1', 'a secret word');
    s.server.post('agent-1', 'a secret word again');
    s.server.post('agent-1', 'visible');
    s.server.post('agent-1', '{start:123456789}');
    await s.bus.command('WebChatService.sendFilteredMessage', {
      message: 'token-7',
      regex: /^token-\d$/,
    });
    await settle();
    expect(
      received(s)
        .filter((m) => m.type === 'Message')
        .map((m) => m.text),
    ).toEqual(['VISIBLE']);
    expect(JSON.parse(s.cookie('webchat.state.filters')!).custom).toContainEqual({
      source: '^token-\\d$',
      flags: '',
    });
    expect(last(s.server.messages)?.body).toBe('token-7');
    await s.bus.command('WebChatService.endChat');
    expect(s.cookie('webchat.state.filters')).toBeUndefined();
  });
});

describe('restore from cookies', () => {
  function existing() {
    const server = fakeServer();
    const made = server.create();
    server.join('agent-1', 'Alice');
    server.post('agent-1', 'before the refresh');
    return {
      server,
      cookies: {
        [`${V2C}JWtoken`]: made.jwt,
        [`${V2C}ConversationID`]: made.id,
        [`${V2C}MemberID`]: made.member.id,
        [`${V2C}WS_URL`]: made.eventStreamUri,
        [`${V2C}LastMsgId`]: 'msg-3',
      },
    };
  }

  it('checks the own member, reopens the socket and replays the history flagged restoring', async () => {
    const { server, cookies } = existing();
    const s = await boot(v2Config(), cookies, server);
    await settle();
    expect(s.named('restored')[0]?.data).toEqual({ async: false });
    expect(server.calls[0]).toMatchObject({
      method: 'GET',
      path: '/api/v2/webchat/guest/conversations/conv-1/members/cust-1',
      auth: 'Bearer jwt-1',
    });
    expect(server.socket()?.sent[0]).toEqual({ type: 'auth', token: 'jwt-1' });
    expect(received(s).map((m) => [m.index, m.restoring])).toEqual([
      [1, true],
      [2, true],
      [3, true],
    ]);
    expect(s.cookie('app.autoLoadList')).toBe('{"WebChatService":true}');
    await expect(s.bus.command('WebChatService.verifySession')).resolves.toEqual({
      sessionActive: true,
    });
    server.post('agent-1', 'after');
    await settle();
    expect(last(received(s))).toMatchObject({ index: 4, restoring: false });
    expect(s.cookie(`${V2C}LastMsgId`)).toBe('msg-4');
  });

  it('restoreFailed and cleanup when the member is no longer connected', async () => {
    const { server, cookies } = existing();
    server.members.get('cust-1')!.state = 'DISCONNECTED';
    const s = await boot(v2Config(), cookies, server);
    await settle();
    expect(s.named('restoreFailed')).toHaveLength(1);
    expect(s.named('restored')).toHaveLength(0);
    for (const name of COOKIES) expect(s.cookie(V2C + name)).toBeUndefined();
    expect(s.cookie('app.autoLoadList')).toBe('{"WebChatService":false}');
    expect(server.sockets()).toHaveLength(0);
  });

  it('restoreFailed when the server does not know the token', async () => {
    const { server, cookies } = existing();
    const s = await boot(v2Config(), { ...cookies, [`${V2C}JWtoken`]: 'forged' }, server);
    await settle();
    expect(s.named('restoreFailed')[0]?.data).toMatchObject({ status: 401, code: 'unauthorized' });
    expect(s.cookie(`${V2C}ConversationID`)).toBeUndefined();
  });
});

describe('connection', () => {
  it('reconnects after a drop and catches up after LastMsgId without duplicates', async () => {
    const s = await chat();
    s.server.join();
    await settle();
    const first = s.server.socket()!;
    first.close();
    await settle();
    expect(s.named('disconnected')).toHaveLength(1);
    s.server.post('agent-1', 'missed one');
    s.server.post('agent-1', 'missed two');
    await vi.waitFor(() => expect(s.named('reconnected')).toHaveLength(1));
    const again = s.server.socket()!;
    expect(again).not.toBe(first);
    expect(again.sent[0]).toEqual({ type: 'auth', token: 'jwt-1' });
    const catchUp = last(
      s.server.calls.filter((c) => c.path.endsWith('/messages') && c.method === 'GET'),
    )!;
    expect(catchUp.query.get('after')).toBe('msg-2');
    // At-least-once delivery: the server pushes one of them again.
    again.push(s.server.frame('message', s.server.messages[3]));
    await settle();
    expect(received(s).map((m) => m.index)).toEqual([1, 2, 3, 4]);
    expect(
      received(s)
        .slice(2)
        .map((m) => m.text),
    ).toEqual(['missed one', 'missed two']);
  });

  it('drops the socket on the browser offline event and reconnects at once when online', async () => {
    const s = await chat({ socketReconnectInterval: 60_000 });
    s.server.join();
    await settle();
    const first = s.server.socket()!;
    window.dispatchEvent(new Event('offline'));
    await settle();
    expect(s.named('disconnected')).toHaveLength(1);
    expect(first.closed).toBe(true);
    s.server.post('agent-1', 'while offline');
    window.dispatchEvent(new Event('online'));
    await vi.waitFor(() => expect(s.named('reconnected')).toHaveLength(1));
    expect(s.server.socket()).not.toBe(first);
    expect(received(s).map((m) => m.text)).toContain('while offline');
    window.dispatchEvent(new Event('online'));
    await settle();
    expect(s.server.sockets()).toHaveLength(2);
    await s.bus.command('WebChatService.endChat');
    window.dispatchEvent(new Event('online'));
    await settle();
    expect(s.server.sockets()).toHaveLength(2);
  });

  it('treats a silent socket as lost (heartbeat tracking) and ignores heartbeat frames', async () => {
    const s = await chat({ socketHeartbeatTrackerInterval: 60 });
    const first = s.server.socket()!;
    first.push({ topicName: 'channel.metadata', eventBody: { message: 'WebSocket Heartbeat' } });
    await vi.waitFor(() => expect(s.named('disconnected')).toHaveLength(1));
    expect(first.closed).toBe(true);
    await vi.waitFor(() => expect(s.named('reconnected')).toHaveLength(1));
    expect(received(s)).toHaveLength(1);
    await s.bus.command('WebChatService.endChat');
  });

  it('fetches what a dropped publish left out when an index gap shows', async () => {
    const s = await chat();
    s.server.join();
    s.server.post('agent-1', 'dropped', 'standard', true);
    s.server.post('agent-1', 'after the gap');
    await settle();
    expect(received(s).map((m) => m.index)).toEqual([1, 2, 3, 4]);
    expect(received(s)[2]?.text).toBe('dropped');
  });

  it('ends here when another tab ended the chat (the cookie vanished)', async () => {
    const s = await chat();
    s.removeCookie(`${V2C}ConversationID`);
    await vi.waitFor(() => expect(s.named('ended')).toHaveLength(1), { timeout: 2500 });
    expect(s.server.calls.some((c) => c.method === 'DELETE')).toBe(false);
  });

  it('publishes sessionLost when the event stream refuses the token (close code 4401)', async () => {
    const s = await chat();
    s.server.socket()!.close(4401);
    await settle();
    expect(s.named('sessionLost')).toHaveLength(1);
    expect(s.named('ended')).toHaveLength(1);
    expect(s.cookie(`${V2C}ConversationID`)).toBeUndefined();
    expect(s.server.sockets()).toHaveLength(1);
  });

  it('ends when the own member is disconnected by the server', async () => {
    const s = await chat();
    s.server.leave('cust-1');
    await settle();
    expect(s.named('ended')).toHaveLength(1);
    expect(s.cookie(`${V2C}ConversationID`)).toBeUndefined();
  });

  it('publishes sessionLost and cleans up when the server forgot the conversation', async () => {
    const s = await chat();
    s.server.setOverride(() => [404, { error: { code: 'not_found', message: 'gone' } }]);
    await reasonOf(s.bus.command('WebChatService.sendMessage', { message: 'hello?' }));
    await settle();
    expect(s.named('sessionLost')).toHaveLength(1);
    expect(s.named('ended')).toHaveLength(1);
    expect(s.cookie(`${V2C}JWtoken`)).toBeUndefined();
  });
});
