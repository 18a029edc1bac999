/**
 * The transport interface holds: a transport that exists only in this test plugs into
 * `TRANSPORTS` and carries a whole chat through the unchanged session logic.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../src/plugins/webchatservice/messages';
import type {
  ChatTransport,
  Received,
  StartRequest,
  TransportListener,
} from '../../../src/plugins/webchatservice/transport';
import { TRANSPORTS } from '../../../src/plugins/webchatservice/transports';
import { boot, received, settle } from './setup';

const TYPE = 'test-memory';

afterEach(() => {
  delete TRANSPORTS[TYPE];
  delete window._genesys;
});

function memoryTransport() {
  const log: { started?: StartRequest; previews: string[]; ended: boolean } = {
    previews: [],
    ended: false,
  };
  let listener: TransportListener | undefined;
  let index = 0;
  const message = (from: ChatMessage['from'], text: string, type = 'Message'): Received => {
    index++;
    const made: ChatMessage = { index, type, text, timestamp: index, from, id: `m${index}` };
    return { message: made, original: { ...made } };
  };
  const visitor = { id: 'me', type: 'Client' as const, name: 'Ann' };
  const agent = { id: 'bot-7', type: 'Agent' as const, name: 'Robo' };
  const transport: ChatTransport = {
    type: TYPE,
    async start(request) {
      log.started = request;
      return { self: 'me', data: { sessionId: 's1' } };
    },
    stored: () => undefined,
    verify: async () => undefined,
    connect(given) {
      listener = given;
      queueMicrotask(() => given.caughtUp([message(visitor, '', 'ParticipantJoined')], true));
    },
    messagesAfter: async () => [],
    rememberLast: () => undefined,
    lastId: () => undefined,
    current: () => true,
    async send(text) {
      listener?.pushed(message(visitor, text));
      return { ok: true };
    },
    async typing(preview) {
      log.previews.push(preview);
    },
    async end() {
      log.ended = true;
      listener?.pushed(message(visitor, '', 'ParticipantLeft'));
    },
    isLost: () => false,
    stop: () => undefined,
  };
  const agentSays = (text: string): void => {
    listener?.pushed(message(agent, '', 'ParticipantJoined'));
    listener?.pushed(message(agent, text));
  };
  return { transport, log, agentSays };
}

describe('the transport interface', () => {
  it('carries a chat for a transport the session logic has never heard of', async () => {
    const memory = memoryTransport();
    TRANSPORTS[TYPE] = () => memory.transport;
    const s = await boot({ webchat: { transport: { type: TYPE }, userData: { plan: 'gold' } } });
    const started = await s.bus.command('WebChatService.startChat', {
      firstname: 'Ann',
      lastname: 'Lee',
      email: 'ann@example.test',
    });
    expect(started).toEqual({ sessionId: 's1' });
    expect(memory.log.started).toMatchObject({
      nickname: 'Ann Lee',
      form: { firstname: 'Ann', lastname: 'Lee', email: 'ann@example.test' },
      userData: { plan: 'gold', _genesys_source: 'web' },
      interactionData: {},
    });
    await settle();
    expect(s.named('clientConnected')).toHaveLength(1);

    memory.agentSays('Hello Ann');
    await s.bus.command('WebChatService.sendMessage', { message: 'Hi Robo' });
    await settle();
    expect(received(s).map((m) => [m.type, m.from, m.text])).toEqual([
      ['ParticipantJoined', 'Client', ''],
      ['ParticipantJoined', 'Agent', ''],
      ['Message', 'Agent', 'Hello Ann'],
      ['Message', 'Client', 'Hi Robo'],
    ]);
    expect(s.named('agentConnected')).toHaveLength(1);

    const input = document.createElement('textarea');
    await s.bus.command('WebChatService.registerTypingPreviewInput', { input });
    input.value = 'I am typ';
    input.dispatchEvent(new Event('input'));
    await settle();
    expect(memory.log.previews).toEqual(['I am typ']);

    await s.bus.command('WebChatService.endChat');
    await settle();
    expect(memory.log.ended).toBe(true);
    expect(s.named('ended')).toHaveLength(1);
  });

  it('sendTyping without a message previews what the registered input holds', async () => {
    const memory = memoryTransport();
    TRANSPORTS[TYPE] = () => memory.transport;
    const s = await boot({ webchat: { transport: { type: TYPE } } });
    await s.bus.command('WebChatService.startChat', { nickname: 'Ann' });
    const input = document.createElement('input');
    input.value = 'preview from the box';
    await s.bus.command('WebChatService.registerTypingPreviewInput', { input });
    await s.bus.command('WebChatService.sendTyping');
    expect(memory.log.previews).toEqual(['preview from the box']);
  });
});
