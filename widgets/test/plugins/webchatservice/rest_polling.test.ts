/** WebChatService on the default transport, REST polling (GMS Chat API v2), against a fake GMS. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as R from '../../../src/plugins/webchatservice/reasons';
import { reasonOf } from '../../helpers';
import { fakeGms, GMS_URL, withFetch } from './fake_rest';
import { boot, received, settle } from './setup';

type Gms = ReturnType<typeof fakeGms>;
const last = <T>(list: T[]): T | undefined => list[list.length - 1];
/** The REST polling events the shared setup does not record. */
const OWN_EVENTS = [
  'clientTypingStopped',
  'sleeping',
  'waking',
  'chatServerWentOffline',
  'chatServerBackOnline',
  'pollingStarted',
  'pollingStopped',
];
const NAMES = [
  'webchat.state.session',
  'webchat.state.keys',
  'webchat.state.index',
  'webchat.state.ping',
];

afterEach(() => {
  delete window._genesys;
  vi.useRealTimers();
  localStorage.clear();
});

const config = (webchat: Record<string, unknown> = {}) => ({
  webchat: { dataURL: GMS_URL, ...webchat },
});

async function start(
  gms: Gms = fakeGms(),
  webchat: Record<string, unknown> = {},
  cookies: Record<string, string> = {},
) {
  vi.useFakeTimers({ shouldAdvanceTime: true });
  const s = await boot(config(webchat), cookies, withFetch(gms.fetch));
  for (const name of OWN_EVENTS)
    s.bus.subscribe(`WebChatService.${name}`, (event) => s.events.push(event));
  return { ...s, gms };
}

async function chatting(webchat: Record<string, unknown> = {}) {
  const s = await start(fakeGms(), webchat);
  const started = s.bus.command('WebChatService.startChat', {
    firstname: 'Ann',
    lastname: 'Lee',
    email: 'ann@example.test',
    subject: 'Help',
    userData: { order: 42 },
  });
  await vi.advanceTimersByTimeAsync(100);
  await started;
  await settle();
  return s;
}

const tick = async (ms: number): Promise<void> => {
  await vi.advanceTimersByTimeAsync(ms);
  await settle();
};

describe('WebChatService on REST polling (no transport.type)', () => {
  it('sends the newest typing preview once the throttle allows, and none after the message', async () => {
    const { gms, bus } = await chatting();
    const started = () => gms.typing.filter((t) => t.startsWith('startTyping:'));
    for (const text of ['W', 'Wh', 'Where is'])
      await bus.command('WebChatService.sendTyping', { message: text });
    expect(started()).toEqual(['startTyping:W']);
    await tick(2100);
    expect(started()).toEqual(['startTyping:W', 'startTyping:Where is']);
    await tick(500);
    await bus.command('WebChatService.sendTyping', { message: 'Where is my order' });
    await bus.command('WebChatService.sendMessage', { message: 'Where is my order?' });
    await tick(5000);
    expect(started()).toEqual(['startTyping:W', 'startTyping:Where is']);
    expect(gms.named('send').map((c) => c.fields['message'])).toEqual(['Where is my order?']);
  });

  it('starts form-encoded, polls, sends, types, and ends with every cookie written and cleared', async () => {
    const s = await chatting();
    const { gms, bus, cookie } = s;
    const request = gms.calls[0]!;
    expect(request.path).toBe('/genesys/2/chat/support/');
    expect(request.fields).toMatchObject({
      nickname: 'Ann Lee',
      firstName: 'Ann',
      lastName: 'Lee',
      emailAddress: 'ann@example.test',
      subject: 'Help',
      text: '',
      'userData[order]': '42',
      'userData[_genesys_source]': 'web',
    });
    expect(request.fields['secureKey']).toBeUndefined();
    expect(s.named('started')[0]?.data).toEqual({
      data: {
        sessionID: 'chat-1',
        chatId: 'chat-1',
        alias: 'frontdesk',
        userId: 'cust-1',
        secureKey: 'key-1',
      },
    });
    expect(cookie('webchat.state.session')).toBe('chat-1');
    expect(JSON.parse(cookie('webchat.state.keys')!)).toEqual({
      alias: 'frontdesk',
      userId: 'cust-1',
      secureKey: 'key-1',
    });
    expect(cookie('webchat.state.index')).toBe('1');
    expect(Number(cookie('webchat.state.ping'))).toBeGreaterThan(0);
    expect(
      gms.calls
        .slice(1)
        .every(
          (c) =>
            c.fields['secureKey'] === 'key-1' &&
            c.fields['alias'] === 'frontdesk' &&
            c.fields['userId'] === 'cust-1',
        ),
    ).toBe(true);

    gms.join();
    gms.say('Hello Ann');
    await tick(3100);
    expect(s.named('agentConnected')).toHaveLength(1);
    expect(cookie('webchat.state.index')).toBe('3');
    await bus.command('WebChatService.sendMessage', { message: 'Hi Alice' });
    await settle();
    const send = gms.named('send')[0]!;
    expect(send.fields).toMatchObject({
      message: 'Hi Alice',
      messageType: 'text',
      transcriptPosition: '4',
    });
    expect(cookie('webchat.state.index')).toBe('4');
    expect(received(s)).toEqual([
      { index: 1, type: 'ParticipantJoined', text: '', from: 'Client', restoring: false },
      { index: 2, type: 'ParticipantJoined', text: '', from: 'Agent', restoring: false },
      { index: 3, type: 'Message', text: 'Hello Ann', from: 'Agent', restoring: false },
      { index: 4, type: 'Message', text: 'Hi Alice', from: 'Client', restoring: false },
    ]);

    await bus.command('WebChatService.sendTyping', { message: 'I wonder' });
    expect(gms.typing).toEqual(['startTyping:I wonder']);
    await tick(2600);
    expect(gms.typing).toEqual(['startTyping:I wonder', 'stopTyping:']);
    expect(s.events.some((e) => e.event === 'WebChatService.clientTypingStopped')).toBe(true);

    gms.setTyping(true);
    await tick(3100);
    expect(s.named('agentTypingStarted')).toHaveLength(1);
    gms.setTyping(false);

    await bus.command('WebChatService.endChat');
    await settle();
    expect(gms.named('disconnect')).toHaveLength(1);
    expect(s.named('ended')).toHaveLength(1);
    for (const name of NAMES) expect(cookie(name), name).toBeUndefined();
    const polls = gms.named('refresh').length;
    await tick(10000);
    expect(gms.named('refresh')).toHaveLength(polls);
  });

  it('polls at pollRate, fast after activity, slowing by pollRateMult back to pollRateMax', async () => {
    const s = await chatting({
      pollRate: 3000,
      pollRateMin: 500,
      pollRateMult: 2,
      pollRateMax: 3000,
    });
    // The chat's first messages were activity too: let the rate settle first.
    await tick(10000);
    const settled = Date.now();
    await tick(7000);
    const quiet = s.gms
      .named('refresh')
      .map((c) => c.at)
      .filter((at) => at >= settled);
    const gaps = quiet.slice(1).map((at, i) => at - quiet[i]!);
    expect(gaps.every((gap) => gap >= 2900 && gap <= 3300)).toBe(true);
    await s.bus.command('WebChatService.sendMessage', { message: 'now' });
    const sent = Date.now();
    await tick(7000);
    const after = s.gms
      .named('refresh')
      .map((c) => c.at)
      .filter((at) => at >= sent);
    const steps = [after[0]! - sent, ...after.slice(1).map((at, i) => at - after[i]!)].slice(0, 4);
    expect(steps.map((step) => Math.round(step / 250) * 250)).toEqual([500, 1000, 2000, 3000]);
  });

  it('counts "chat server offline" answers to pollExceptionLimit, and tells when it is back', async () => {
    const s = await chatting({ pollExceptionLimit: 3 });
    await tick(10000);
    const offline = () =>
      s.events.filter((e) => e.event === 'WebChatService.chatServerWentOffline');
    s.gms.setOverride((call) =>
      call.path.endsWith('/refresh') ? [503, { statusCode: 1, messages: [] }] : undefined,
    );
    const base = s.gms.named('refresh').length;
    const failures = () => s.gms.named('refresh').length - base;
    while (failures() < 2) await tick(250);
    expect(offline()).toHaveLength(0);
    while (failures() < 3) await tick(250);
    await tick(10);
    expect(offline()).toHaveLength(1);
    await tick(6000);
    expect(offline()).toHaveLength(1);
    s.gms.setOverride(undefined);
    s.gms.say('still here');
    await tick(3100);
    expect(s.events.filter((e) => e.event === 'WebChatService.chatServerBackOnline')).toHaveLength(
      1,
    );
    expect(received(s).map((m) => m.text)).toContain('still here');
    expect(s.named('ended')).toHaveLength(0);
  });

  it('sleeps while the page is hidden and cancels the idle timer on waking (sleepEnabled)', async () => {
    const s = await chatting({ sleepEnabled: true, pollRateSleep: 20000 });
    const hidden = (on: boolean): void => {
      Object.defineProperty(document, 'visibilityState', {
        configurable: true,
        get: () => (on ? 'hidden' : 'visible'),
      });
      document.dispatchEvent(new Event('visibilitychange'));
    };
    try {
      await tick(3100);
      hidden(true);
      const before = s.gms.named('refresh').length;
      await tick(15000);
      expect(s.events.some((e) => e.event === 'WebChatService.sleeping')).toBe(true);
      expect(s.gms.named('refresh').length - before).toBeLessThanOrEqual(1);
      hidden(false);
      await tick(50);
      expect(s.events.some((e) => e.event === 'WebChatService.waking')).toBe(true);
      expect(last(s.gms.notices)?.['eventAttributes']).toBe('{"purpose":"cancel-idle-timer"}');
      expect(s.gms.named('refresh').length - before).toBeGreaterThanOrEqual(2);
    } finally {
      delete (document as { visibilityState?: unknown }).visibilityState;
    }
  });

  it('restores after a page load: replays up to state.index, news after it, nothing twice', async () => {
    const first = await chatting();
    first.gms.join();
    first.gms.say('one');
    await tick(3100);
    const cookies = Object.fromEntries(NAMES.map((name) => [name, first.cookie(name)!]));
    expect(cookies['webchat.state.index']).toBe('3');
    first.gms.say('two, while away');
    // The next page: the same server, the cookies the last page left.
    const s = await start(first.gms, {}, cookies);
    await tick(100);
    expect(s.named('restored')).toHaveLength(1);
    const verify = s.gms.named('refresh').slice(-2)[0]!;
    expect(verify.fields['transcriptPosition']).toBe('4');
    expect(received(s)).toEqual([
      { index: 1, type: 'ParticipantJoined', text: '', from: 'Client', restoring: true },
      { index: 2, type: 'ParticipantJoined', text: '', from: 'Agent', restoring: true },
      { index: 3, type: 'Message', text: 'one', from: 'Agent', restoring: true },
      { index: 4, type: 'Message', text: 'two, while away', from: 'Agent', restoring: false },
    ]);
    await tick(3100);
    expect(received(s)).toHaveLength(4);
    expect(s.cookie('webchat.state.index')).toBe('4');
  });

  it('refuses a restore after restoreTimeout counted from state.ping, and clears the cookies', async () => {
    const gms = fakeGms();
    const cookies = {
      'webchat.state.session': 'chat-1',
      'webchat.state.keys': JSON.stringify({
        alias: 'frontdesk',
        userId: 'cust-1',
        secureKey: 'key-1',
      }),
      'webchat.state.index': '3',
      'webchat.state.ping': String(Date.now() - 61000),
    };
    const s = await start(gms, {}, cookies);
    await tick(50);
    expect(s.named('restoreTimeout')).toHaveLength(1);
    expect(gms.calls).toHaveLength(0);
    for (const name of NAMES) expect(s.cookie(name), name).toBeUndefined();
  });

  it('takes a chat that ended while no page was open down the restore-timeout path', async () => {
    const first = await chatting();
    const cookies = Object.fromEntries(NAMES.map((name) => [name, first.cookie(name)!]));
    first.gms.endByAgent();
    const s = await start(first.gms, {}, cookies);
    await tick(50);
    expect(s.named('restoreTimeout')).toHaveLength(1);
    expect(s.named('restored')).toHaveLength(0);
    for (const name of NAMES) expect(s.cookie(name), name).toBeUndefined();
  });

  it('refuses a tampered secureKey with a clear error and keeps the chat on the server', async () => {
    const first = await chatting();
    first.gms.say('kept');
    const cookies = Object.fromEntries(NAMES.map((name) => [name, first.cookie(name)!]));
    cookies['webchat.state.keys'] = JSON.stringify({
      alias: 'frontdesk',
      userId: 'cust-1',
      secureKey: 'key-1x',
    });
    const s = await start(first.gms, {}, cookies);
    await tick(50);
    const failed = s.named('restoreFailed');
    expect(failed).toHaveLength(1);
    expect(failed[0]?.data).toMatchObject({ status: 401, code: 'invalid_token' });
    for (const name of NAMES) expect(s.cookie(name), name).toBeUndefined();
    expect(first.gms.log.entries.map((e) => e.text)).toContain('kept');
    expect(first.gms.named('disconnect')).toHaveLength(0);
  });

  it('ends when the agent ends the chat, and when another tab ended it (cookie gone)', async () => {
    const s = await chatting();
    s.gms.endByAgent();
    await tick(3100);
    expect(s.named('ended')).toHaveLength(1);
    for (const name of NAMES) expect(s.cookie(name), name).toBeUndefined();

    const other = await chatting();
    other.removeCookie('webchat.state.session');
    await tick(1100);
    expect(other.named('ended')).toHaveLength(1);
  });

  it('reports a lost session (404) and a network loss and return', async () => {
    const s = await chatting();
    window.dispatchEvent(new Event('offline'));
    await settle();
    expect(s.named('disconnected')).toHaveLength(1);
    window.dispatchEvent(new Event('online'));
    await tick(100);
    expect(s.named('reconnected')).toHaveLength(1);
    s.gms.setOverride((call) =>
      call.path.endsWith('/refresh')
        ? [404, { statusCode: 2, error: { code: 'not_found', message: 'gone' } }]
        : undefined,
    );
    await tick(3100);
    expect(s.named('sessionLost')).toHaveLength(1);
    expect(s.named('ended')).toHaveLength(1);
  });

  it('sends custom notices, userData, files; answers file limits; downloads by a form POST', async () => {
    const s = await chatting();
    const { bus, gms } = s;
    expect(s.bus.data('WebChatService.capabilities')).toMatchObject({ fileUpload: true });
    await bus.command('WebChatService.sendCustomNotice', { message: 'hello there' });
    expect(last(gms.notices)?.['message']).toBe('hello there');
    await bus.command('WebChatService.updateUserData', { cart: 3 });
    expect(last(gms.userData)).toMatchObject({ 'userData[cart]': '3' });
    const limits = (await bus.command('WebChatService.getFileLimits')) as {
      messages: { userData: object }[];
    };
    expect(limits.messages[0]?.userData).toMatchObject({ 'upload-file-types': 'png:txt' });
    const input = document.createElement('input');
    input.type = 'file';
    Object.defineProperty(input, 'files', {
      value: [new File(['hi'], 'note.txt', { type: 'text/plain' })],
    });
    const uploaded = (await bus.command('WebChatService.sendFile', { files: input })) as {
      userData: object;
    };
    expect(uploaded.userData).toMatchObject({ 'file-name': 'note.txt' });
    expect(last(gms.calls)?.file?.name).toBe('note.txt');
    expect(await reasonOf(bus.command('WebChatService.sendFile', { files: {} }))).toMatch(
      /No file/,
    );
    const submit = vi
      .spyOn(HTMLFormElement.prototype, 'submit')
      .mockImplementation(() => undefined);
    await bus.command('WebChatService.downloadFile', { fileId: 'f1' });
    const form = submit.mock.contexts[0] as HTMLFormElement;
    expect(form.action).toBe(`${GMS_URL}/chat-1/file/f1/download`);
    expect(form.method.toLowerCase()).toBe('post');
    expect(form.target).toBe('_blank');
    expect(Object.fromEntries(new FormData(form))).toEqual({
      alias: 'frontdesk',
      userId: 'cust-1',
      secureKey: 'key-1',
    });
    await tick(3100);
    expect(received(s).map((m) => m.type)).toContain('FileUploaded');
  });

  it('stops and starts polling, sleeps and wakes on command (stopPoll, startPoll, sleep, wake)', async () => {
    const s = await chatting();
    const { bus, gms } = s;
    const named = (event: string) => s.events.filter((e) => e.event === `WebChatService.${event}`);
    expect(named('pollingStarted')).toHaveLength(1);
    await bus.command('WebChatService.stopPoll');
    expect(named('pollingStopped')).toHaveLength(1);
    expect(await reasonOf(bus.command('WebChatService.stopPoll'))).toBe(R.NOT_POLLING);
    const stopped = gms.named('refresh').length;
    await tick(10000);
    expect(gms.named('refresh')).toHaveLength(stopped);
    await bus.command('WebChatService.startPoll');
    await tick(50);
    expect(named('pollingStarted')).toHaveLength(2);
    expect(gms.named('refresh').length).toBeGreaterThan(stopped);
    await bus.command('WebChatService.sleep');
    expect(named('sleeping')).toHaveLength(1);
    await bus.command('WebChatService.wake');
    await tick(50);
    expect(named('waking')).toHaveLength(1);
    expect(last(gms.notices)?.['eventAttributes']).toBe('{"purpose":"cancel-idle-timer"}');
    await bus.command('WebChatService.resetPollExceptions');
    await bus.command('WebChatService.endChat');
    await settle();
    expect(named('pollingStopped')).toHaveLength(2);
    expect(await reasonOf(bus.command('WebChatService.startPoll'))).toBe(R.NO_SESSION);
  });

  it('refuses a second start while another tab holds a chat, with {statusCode: 1}', async () => {
    const s = await start();
    s.setCookie('webchat.state.session', 'chat-9');
    s.setCookie('webchat.state.keys', '{}');
    const reason = await reasonOf(s.bus.command('WebChatService.startChat', { nickname: 'Ann' }));
    expect(reason).toEqual({ statusCode: 1 });
    expect(s.gms.calls).toHaveLength(0);
  });
});

describe('REST polling tells a waiting visitor their place', () => {
  const places = (s: Awaited<ReturnType<typeof start>>) =>
    s.named('queuePosition').map((e) => e.data);

  it('publishes queuePosition from refresh answers until an agent joins', async () => {
    const s = await chatting();
    const { gms, bus } = s;
    // A Genesys server sends no place: nothing is published.
    expect(places(s)).toEqual([]);
    gms.queue({ position: 2, estimatedWaitSeconds: 120 });
    await tick(3100);
    expect(last(places(s))).toEqual({ position: 2, estimatedWaitSeconds: 120 });
    expect(bus.data('WebChatService.queuePosition')).toEqual({
      position: 2,
      estimatedWaitSeconds: 120,
    });
    gms.queue({ position: 1, estimatedWaitSeconds: 45 });
    await tick(3100);
    expect(last(places(s))).toEqual({ position: 1, estimatedWaitSeconds: 45 });
    const told = places(s).length;
    gms.join();
    await tick(3100);
    expect(s.named('agentConnected')).toHaveLength(1);
    await tick(6200);
    expect(places(s)).toHaveLength(told);
    await bus.command('WebChatService.endChat');
  });

  it('tells the place before the entries, so an agent joining in the same answer has the last word', async () => {
    const s = await chatting();
    s.gms.queue({ position: 1, estimatedWaitSeconds: 60 });
    s.gms.log.add('ParticipantJoined', '', { id: 'agent-1', name: 'Alice', type: 'Agent' });
    // One answer carries both; the later ones no place, as the server's would.
    let refreshes = 0;
    s.gms.setOverride((call) => {
      if (call.path.endsWith('/refresh') && ++refreshes > 1) s.gms.queue(undefined);
      return undefined;
    });
    await tick(3100);
    const order = s.events
      .map((e) => e.event.split('.')[1])
      .filter((name) => name === 'queuePosition' || name === 'agentConnected');
    expect(order).toEqual(['queuePosition', 'agentConnected']);
  });

  it('ignores a malformed place', async () => {
    const s = await chatting();
    s.gms.setOverride((call) =>
      call.path.endsWith('/refresh')
        ? [
            200,
            {
              statusCode: 0,
              messages: [],
              chatEnded: false,
              queuePosition: { position: 'first', estimatedWaitSeconds: -1 },
            },
          ]
        : undefined,
    );
    await tick(3100);
    expect(s.gms.named('refresh').length).toBeGreaterThan(1);
    expect(places(s)).toEqual([]);
  });
});
