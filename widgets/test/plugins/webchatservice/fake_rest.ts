/**
 * In-memory chat servers for the two REST transports, as fake `fetch` functions: GMS Chat API
 * v2 (REST polling, form-encoded) and `pureengage-v3-rest` (JSON, a token header, long polls
 * that wait until something happens). Both keep one chat at a time, like `fake_server.ts`.
 */
import { vi } from 'vitest';
import { fakeServer, type FakeServer } from './fake_server';

export const GMS_URL = 'https://gms.example.test/genesys/2/chat/support';
export const V3_URL = 'https://nexus.example.test/nexus/v3/chat/sessions';

export interface RestCall {
  path: string;
  method: string;
  fields: Record<string, string>;
  headers: Headers;
  json: unknown;
  file?: File;
  /** Date.now() when it came (fake timers move it). */
  at: number;
}

/** Where a waiting visitor stands, as both REST APIs of Frontdesk add it. */
export interface Place {
  position: number;
  estimatedWaitSeconds: number;
}

interface Entry {
  index?: number;
  type: string;
  text: string;
  utcTime: number;
  from: { nickname: string; participantId: string; type: string };
  [key: string]: unknown;
}

const answer = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

async function readCall(
  input: RequestInfo | URL,
  init?: RequestInit,
): Promise<{ url: URL; call: RestCall }> {
  const url = new URL(String(input));
  const fields: Record<string, string> = {};
  let json: unknown;
  let file: File | undefined;
  const body = init?.body;
  if (body instanceof URLSearchParams) for (const [k, v] of body) fields[k] = v;
  else if (body instanceof FormData) {
    for (const [k, v] of body) {
      if (typeof v === 'string') fields[k] = v;
      else file = v;
    }
  } else if (typeof body === 'string') json = JSON.parse(body);
  const call: RestCall = {
    path: url.pathname,
    method: init?.method ?? 'GET',
    fields,
    headers: new Headers(init?.headers),
    json,
    at: Date.now(),
  };
  if (file) call.file = file;
  return { url, call };
}

/** Common parts of both fakes: one chat's transcript, and who takes part. */
function transcript() {
  const entries: Entry[] = [];
  let next = 1;
  const add = (
    type: string,
    text: string,
    who: { id: string; name: string; type: string },
    extra = {},
  ): Entry => {
    const entry: Entry = {
      index: next++,
      type,
      text,
      utcTime: 1700000000000 + next * 1000,
      from: { nickname: who.name, participantId: who.id, type: who.type },
      ...extra,
    };
    entries.push(entry);
    return entry;
  };
  return {
    entries,
    add,
    reset() {
      entries.length = 0;
      next = 1;
    },
    /** A kind visitors never see (a userData update): it takes an index. */
    unseen() {
      next++;
    },
    last: () => next - 1,
  };
}

export function fakeGms() {
  const calls: RestCall[] = [];
  const log = transcript();
  const visitor = { id: 'cust-1', name: 'Visitor', type: 'Client' };
  const agent = { id: 'agent-1', name: 'Alice', type: 'Agent' };
  let chatId = '';
  let count = 0;
  let ended = false;
  let agentTyping = false;
  let place: Place | undefined;
  let override: ((call: RestCall) => [number, unknown] | undefined) | undefined;
  const notices: Record<string, string>[] = [];
  const userData: Record<string, string>[] = [];
  const typing: string[] = [];

  const reply = (extra: Record<string, unknown>, from?: string) =>
    answer(200, {
      statusCode: 0,
      chatEnded: ended,
      messages:
        from === undefined
          ? []
          : [
              ...log.entries.filter((e) => (e.index ?? 0) >= Number(from)),
              ...(agentTyping && !ended
                ? [
                    {
                      type: 'TypingStarted',
                      text: '',
                      utcTime: 1,
                      from: { nickname: agent.name, participantId: agent.id, type: 'Agent' },
                    },
                  ]
                : []),
            ],
      ...extra,
    });
  // Like Frontdesk: on request chat and refresh only, while no agent has the chat.
  const queued = (): Record<string, unknown> => (place && !ended ? { queuePosition: place } : {});
  const refuse = (status: number, code: string) =>
    answer(status, {
      statusCode: 2,
      errors: [{ code: status, advice: code }],
      error: { code, message: code, details: {} },
    });

  const route = (call: RestCall): Response => {
    const rest = call.path.slice(new URL(GMS_URL).pathname.length).split('/').filter(Boolean);
    if (rest.length === 0) {
      count++;
      chatId = `chat-${count}`;
      ended = false;
      log.reset();
      visitor.name = call.fields['nickname'] ?? '';
      log.add('ParticipantJoined', '', visitor);
      return answer(200, {
        statusCode: 0,
        chatId,
        alias: 'frontdesk',
        userId: visitor.id,
        secureKey: `key-${count}`,
        messages: log.entries,
        chatEnded: false,
        ...queued(),
      });
    }
    if (!call.fields['secureKey'] || !call.fields['userId'] || !call.fields['alias'])
      return refuse(401, 'unauthorized');
    if (call.fields['secureKey'] !== `key-${count}`) return refuse(401, 'invalid_token');
    if (rest[0] !== chatId) return refuse(404, 'not_found');
    const action = rest.slice(1).join('/');
    const position = call.fields['transcriptPosition'];
    const blocked = ['send', 'startTyping', 'stopTyping', 'customNotice', 'updateData', 'file'];
    if (ended && blocked.includes(action))
      return answer(409, { statusCode: 2, chatEnded: true, error: { code: 'conflict' } });
    switch (action) {
      case 'refresh':
        return reply(queued(), position ?? '1');
      case 'send':
        log.add('Message', call.fields['message'] ?? '', visitor);
        return reply({}, position);
      case 'startTyping':
      case 'stopTyping':
        typing.push(`${action}:${call.fields['message'] ?? ''}`);
        return reply({}, position);
      case 'customNotice':
        notices.push(call.fields);
        return reply({}, position);
      case 'updateData':
        userData.push(call.fields);
        log.unseen();
        return reply({}, position);
      case 'disconnect':
        if (!ended) {
          log.add('ParticipantLeft', '', visitor);
          ended = true;
        }
        return reply({}, position);
      case 'file/limits':
        return answer(200, {
          statusCode: 0,
          chatEnded: ended,
          messages: [
            {
              type: 'Notice',
              text: '',
              utcTime: 1,
              from: { nickname: '', participantId: 'system', type: 'External' },
              userData: {
                'upload-max-file-size': '1000',
                'upload-file-types': 'png:txt',
                'upload-need-agent': 'false',
              },
            },
          ],
        });
      case 'file': {
        const name = call.file?.name ?? '';
        const data = {
          'file-id': 'f1',
          'file-name': name,
          'file-size': String(call.file?.size ?? 0),
          'file-type': 'text/plain',
        };
        log.add('FileUploaded', name, visitor, { userData: data });
        return answer(200, { statusCode: 0, userData: data });
      }
      default:
        return refuse(404, 'not_found');
    }
  };

  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const { call } = await readCall(input, init);
    calls.push(call);
    await Promise.resolve();
    const given = override?.(call);
    return given ? answer(given[0], given[1]) : route(call);
  });

  return {
    fetch: fetch as unknown as typeof globalThis.fetch,
    calls,
    notices,
    userData,
    typing,
    log,
    chatId: () => chatId,
    join() {
      place = undefined;
      log.add('ParticipantJoined', '', agent);
    },
    /** The place answers tell from now on (none: not queued). */
    queue(given: Place | undefined) {
      place = given;
    },
    say(text: string) {
      log.add('Message', text, agent);
    },
    setTyping(on: boolean) {
      agentTyping = on;
    },
    endByAgent() {
      log.add('ParticipantLeft', '', agent);
      log.add('ParticipantLeft', '', visitor);
      ended = true;
    },
    setOverride(fn: typeof override) {
      override = fn;
    },
    /** The calls to `action` (e.g. 'refresh'), in order. */
    named: (action: string) => calls.filter((c) => c.path.endsWith(`/${action}`)),
  };
}

export function fakeV3() {
  const calls: RestCall[] = [];
  const log = transcript();
  const visitor = { id: 'cust-1', name: 'Visitor', type: 'Customer' };
  const agent = { id: 'agent-1', name: 'Alice', type: 'Agent' };
  let sessionId = '';
  let token = '';
  let count = 0;
  let ended = false;
  let waiters: (() => void)[] = [];
  let place: Place | undefined;
  let expiries = 0;
  const userData: unknown[] = [];
  const typing: string[] = [];
  let override: ((call: RestCall) => [number, unknown] | undefined) | undefined;

  const wakeAll = (): void => {
    const woken = waiters;
    waiters = [];
    for (const wake of woken) wake();
  };
  const v3 = (entries: Entry[]) =>
    entries.map(({ utcTime, ...rest }) => ({
      ...rest,
      type: rest.type === 'Message' ? 'Text' : rest.type,
      timestamp: new Date(utcTime).toISOString(),
    }));
  const ok = (data: unknown) => answer(200, { operationId: 'op', data });
  const refuse = (status: number, code: string, statusCode = code.toUpperCase()) =>
    answer(status, {
      operationId: 'op',
      status: { code: statusCode, message: code },
      error: { code, message: code, details: {} },
    });
  const news = (after: number, count?: number) => {
    const found = log.entries.filter((e) => (e.index ?? 0) > after);
    const page = count ? found.slice(0, count) : found;
    return {
      messages: v3(page),
      index: Math.max(after, page.length ? page[page.length - 1]!.index! : log.last()),
      chatEnded: ended,
      ...(place && !ended ? { queuePosition: place } : {}),
    };
  };

  const route = async (call: RestCall, url: URL): Promise<Response> => {
    const rest = call.path.slice(new URL(V3_URL).pathname.length).split('/').filter(Boolean);
    if (rest.length === 0 && call.method === 'POST') {
      count++;
      sessionId = `sess-${count}`;
      const claims = btoa(JSON.stringify({ sessionId, participantId: visitor.id })).replace(
        /=+$/,
        '',
      );
      token = `h.${claims}.sig${count}`;
      ended = false;
      log.reset();
      log.add('ParticipantJoined', '', visitor);
      return ok({ sessionId, participantId: visitor.id, clientToken: token, index: 1 });
    }
    const given = call.headers.get('x-nexus-client-key');
    if (!given) return refuse(401, 'unauthorized');
    if (given !== token) return refuse(401, 'invalid_token');
    if (rest[0] !== sessionId) return refuse(404, 'not_found', 'INVALID_SESSION');
    const what = rest[1];
    if (what === 'messages' && call.method === 'GET') {
      const after = Number(url.searchParams.get('index') ?? 0);
      const count = url.searchParams.get('count');
      if (count) return ok(news(after, Number(count)));
      // The long poll: answer once there is news (or the chat ended).
      const epoch = expiries;
      while (!ended && log.last() <= after && expiries === epoch)
        await new Promise<void>((resolve) => waiters.push(resolve));
      return ok(news(after));
    }
    if (ended && call.method !== 'DELETE') return refuse(409, 'conflict', 'INVALID_SESSION');
    const data = (call.json as { data?: Record<string, unknown> } | undefined)?.data ?? {};
    if (what === 'messages' && call.method === 'POST') {
      if (data['type'] !== 'Text') {
        typing.push(
          data['text'] ? `${String(data['type'])}:${String(data['text'])}` : String(data['type']),
        );
        return ok({});
      }
      const made = log.add('Message', String(data['text']), visitor);
      wakeAll();
      return ok({ message: v3([made])[0] });
    }
    if (what === 'userdata' && call.method === 'PUT') {
      userData.push(data);
      log.unseen();
      return ok({});
    }
    if (what === 'participants' && call.method === 'DELETE') {
      if (!ended) {
        log.add('ParticipantLeft', '', visitor);
        ended = true;
        wakeAll();
      }
      return ok({});
    }
    if (what === 'images' && call.method === 'POST') {
      const made = log.add('Message', `Shared a file: ${call.file?.name ?? ''}`, visitor);
      wakeAll();
      return ok({ message: v3([made])[0] });
    }
    return refuse(404, 'not_found');
  };

  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const { url, call } = await readCall(input, init);
    calls.push(call);
    await Promise.resolve();
    const given = override?.(call);
    if (given) return answer(given[0], given[1]);
    const signal = init?.signal;
    return new Promise<Response>((resolve, reject) => {
      signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      route(call, url).then(resolve, reject);
    });
  });

  return {
    fetch: fetch as unknown as typeof globalThis.fetch,
    calls,
    userData,
    typing,
    log,
    sessionId: () => sessionId,
    token: () => token,
    join() {
      place = undefined;
      log.add('ParticipantJoined', '', agent);
      wakeAll();
    },
    /** The place answers tell from now on (none: not queued); it wakes no poll, as on the server. */
    queue(given: Place | undefined) {
      place = given;
    },
    /** Every waiting poll reaches its timeout and answers what it has. */
    expire() {
      expiries++;
      wakeAll();
    },
    say(text: string) {
      log.add('Message', text, agent);
      wakeAll();
    },
    endByAgent() {
      log.add('ParticipantLeft', '', agent);
      log.add('ParticipantLeft', '', visitor);
      ended = true;
      wakeAll();
    },
    setOverride(fn: typeof override) {
      override = fn;
    },
    polls: () => calls.filter((c) => c.method === 'GET' && c.path.endsWith('/messages')),
    waiting: () => waiters.length,
  };
}

/** A v2 fake server (for the bus setup's WebSocket) whose fetch is `fetch`. */
export function withFetch(fetch: typeof globalThis.fetch): FakeServer {
  return { ...fakeServer(), fetch };
}
