/**
 * An in-memory guest-chat server speaking the `purecloud-v2-sockets` wire shapes, with a fake
 * `fetch` and a fake `WebSocket` class to hand to WebChatService.
 */
import { vi } from 'vitest';

export interface Msg {
  id: string;
  index: number;
  body: string;
  bodyType: string;
  sender: { id: string };
  timestamp: string;
}

export interface FakeMember {
  id: string;
  displayName: string;
  role: string;
  state: string;
}

export interface Call {
  method: string;
  path: string;
  query: URLSearchParams;
  auth: string | null;
  body: unknown;
}

export const DATA_URL = 'https://api.example.test';
const BASE = '/api/v2/webchat/guest/conversations';

export class FakeSocket {
  url: string;
  sent: unknown[] = [];
  closed = false;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;

  constructor(url: string) {
    this.url = url;
  }

  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }

  close(code = 1000): void {
    if (this.closed) return;
    this.closed = true;
    this.onclose?.({ code, reason: '' });
  }

  /** The server's side: accept the connection. */
  accept(): void {
    this.onopen?.({});
  }

  push(frame: unknown): void {
    if (!this.closed) this.onmessage?.({ data: JSON.stringify(frame) });
  }
}

export function fakeServer() {
  // Per server: a session left running by an earlier test cannot add sockets here.
  const sockets: FakeSocket[] = [];
  const calls: Call[] = [];
  const members = new Map<string, FakeMember>();
  const messages: Msg[] = [];
  let conversation = '';
  let jwt = '';
  let count = 0;
  let nextIndex = 1;
  /** When set, answers a call instead of the server (e.g. to fail it). */
  let override: ((call: Call) => [number, unknown] | undefined) | undefined;
  /** Sockets that receive frames; `autoAccept` opens new sockets at once. */
  let autoAccept = true;

  const live = (): FakeSocket[] => sockets.filter((s) => !s.closed && s.sent.length > 0);
  const frame = (type: string, eventBody: unknown) => ({
    topicName: `v2.conversations.chats.${conversation}.${type}`,
    eventBody,
    metadata: { type },
  });
  const broadcast = (type: string, body: unknown): void => {
    for (const socket of live()) socket.push(frame(type, body));
  };

  /** Store a message with the next index; push it unless `silent` (a dropped publish). */
  const post = (sender: string, body: string, bodyType = 'standard', silent = false): Msg => {
    const index = nextIndex++;
    const message: Msg = {
      id: `msg-${index}`,
      index,
      body,
      bodyType,
      sender: { id: sender },
      timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, index)).toISOString(),
    };
    messages.push(message);
    if (!silent) broadcast('message', message);
    return message;
  };

  const create = (
    customer = 'Visitor',
  ): { id: string; jwt: string; eventStreamUri: string; member: { id: string } } => {
    count++;
    conversation = `conv-${count}`;
    jwt = `jwt-${count}`;
    members.clear();
    messages.length = 0;
    nextIndex = 1;
    members.set('cust-1', {
      id: 'cust-1',
      displayName: customer,
      role: 'CUSTOMER',
      state: 'CONNECTED',
    });
    post('cust-1', '', 'member-join');
    return {
      id: conversation,
      jwt,
      eventStreamUri: `wss://api.example.test/stream/${conversation}`,
      member: { id: 'cust-1' },
    };
  };

  /** A message kind visitors never see: it takes an index, and nothing shows it. */
  const unseen = (): void => {
    nextIndex++;
  };

  const join = (id = 'agent-1', name = 'Alice', role = 'AGENT'): void => {
    members.set(id, { id, displayName: name, role, state: 'CONNECTED' });
    post(id, '', 'member-join');
  };

  const leave = (id: string): void => {
    const member = members.get(id);
    if (!member) return;
    member.state = 'DISCONNECTED';
    post(id, '', 'member-leave');
    broadcast('member-change', {
      conversation: { id: conversation },
      member: { id, state: 'DISCONNECTED' },
    });
  };

  const answer = (status: number, body: unknown): Response =>
    new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  const error = (status: number, code: string) =>
    answer(status, { error: { code, message: code, details: {} } });

  const route = (call: Call): Response => {
    if (call.method === 'POST' && call.path === BASE) {
      const info = (call.body as { memberInfo?: { displayName?: string } }).memberInfo;
      return answer(200, create(info?.displayName || undefined));
    }
    if (call.auth !== `Bearer ${jwt}`) return error(401, 'unauthorized');
    const rest = call.path.slice(BASE.length).split('/').filter(Boolean).map(decodeURIComponent);
    if (rest[0] !== conversation) return error(404, 'not_found');
    const [, what, id, action] = rest;
    if (what === 'messages' && call.method === 'GET') {
      const indexOf = (id: string | null): number | undefined =>
        messages.find((m) => m.id === id)?.index;
      const after = indexOf(call.query.get('after')) ?? 0;
      const before = indexOf(call.query.get('before')) ?? Infinity;
      const max = Number(call.query.get('maxResults') ?? 100);
      const between = messages.filter((m) => m.index > after && m.index < before);
      const page =
        call.query.get('sortOrder') === 'ascending'
          ? between.slice(0, max)
          : between.reverse().slice(0, max);
      return answer(200, { entities: page });
    }
    if (what !== 'members') return error(404, 'not_found');
    if (!id && call.method === 'GET') return answer(200, { entities: [...members.values()] });
    const member = members.get(id ?? '');
    if (!member) return error(404, 'not_found');
    if (call.method === 'GET' && !action) return answer(200, member);
    if (call.method === 'DELETE' && !action) {
      leave(member.id);
      return answer(200, {});
    }
    if (call.method === 'POST' && action === 'messages') {
      return answer(200, post(member.id, String((call.body as { body: string }).body)));
    }
    if (call.method === 'POST' && action === 'typing') return answer(200, {});
    return error(404, 'not_found');
  };

  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input));
    const headers = new Headers(init?.headers);
    const call: Call = {
      method: init?.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      auth: headers.get('Authorization'),
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    calls.push(call);
    await Promise.resolve();
    const given = override?.(call);
    return given ? answer(given[0], given[1]) : route(call);
  });

  const WebSocket = vi.fn(function (this: unknown, url: string) {
    const socket = new FakeSocket(url);
    sockets.push(socket);
    if (autoAccept) queueMicrotask(() => socket.accept());
    return socket;
  }) as unknown as typeof globalThis.WebSocket;

  return {
    fetch: fetch as unknown as typeof globalThis.fetch,
    fetchMock: fetch,
    WebSocket,
    calls,
    members,
    messages,
    create,
    join,
    leave,
    post,
    unseen,
    broadcast,
    /** Tell every socket where the visitor stands in the queue. */
    queue(position: number, estimatedWaitSeconds: number) {
      for (const socket of live()) {
        socket.push({
          topicName: 'channel.metadata',
          eventBody: { conversationId: conversation, position, estimatedWaitSeconds },
          metadata: { type: 'queue-position' },
        });
      }
    },
    frame,
    sockets: () => sockets,
    socket: () => sockets[sockets.length - 1],
    conversation: () => conversation,
    jwt: () => jwt,
    setOverride(fn: typeof override) {
      override = fn;
    },
    setAutoAccept(on: boolean) {
      autoAccept = on;
    },
  };
}

export type FakeServer = ReturnType<typeof fakeServer>;
