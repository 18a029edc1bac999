/**
 * The `pureengage-v3-rest` transport: JSON calls under `transport.dataURL` with the signed
 * client token in the `x-nexus-client-key` header, and a long-polling `GET` for news. One tab
 * per browser polls (`tab_leader.ts`) and shares each answer with the others. It owns the
 * `webchat.state.pureengage-v3-rest.*` cookies, or, with `async.getSessionData` /
 * `setSessionData` callbacks (spec 5.7), hands `{messageIndex, token}` to the site instead.
 */
import { isRecord } from '../../core/common';
import type { HttpError } from '../../core/http';
import { saveDownload } from './download';
import type { ChatMessage, PartyType } from './messages';
import { sendOnce } from './resend';
import { httpCall, number, queueStatus, text, watchNetwork } from './rest_http';
import { electLeader, type TabLeader } from './tab_leader';
import type {
  ChatTransport,
  Received,
  StartRequest,
  TransportListener,
  TransportSession,
  TransportSetup,
} from './transport';

export const V3 = 'pureengage-v3-rest';
const PREFIX = `webchat.state.${V3}.`;
export const V3_COOKIES = {
  session: `${PREFIX}session`,
  keys: `${PREFIX}keys`,
  index: `${PREFIX}index`,
} as const;
/** WebChat's window open or closed; kept beyond the chat, as the cookie contract says. */
export const V3_OPEN_COOKIE = `${PREFIX}open`;

/** Seconds a poll may wait on the server; the request itself waits a little longer. */
const LONG_POLL_S = 25;
const WHOLE_CHAT = 10000;
const MAX_RETRY_MS = 30000;
const TYPING_STOP_MS = 2500;
const PARTY_TYPES: Record<string, PartyType> = {
  Customer: 'Client',
  Agent: 'Agent',
  Supervisor: 'Supervisor',
  Bot: 'Bot',
  External: 'External',
};

interface V3Message {
  index?: number;
  type?: string;
  text?: string;
  timestamp?: string;
  from?: { participantId?: string; nickname?: string; type?: string };
  [key: string]: unknown;
}

interface News {
  messages?: V3Message[];
  index?: number;
  chatEnded?: boolean;
  /** While no agent has the chat (a Frontdesk extension). */
  queuePosition?: unknown;
}

interface Session {
  sessionId: string;
  participantId: string;
  token: string;
}

type Callback = (...args: unknown[]) => unknown;

/** A v3 message in the normalised shape (`self` is the visitor's participant id). */
export function normaliseV3(raw: V3Message, self: string): ChatMessage {
  const id = text(raw.from?.participantId);
  const given = PARTY_TYPES[text(raw.from?.type)] ?? 'External';
  return {
    index: typeof raw.index === 'number' ? raw.index : 0,
    type: raw.type === 'Text' ? 'Message' : text(raw.type) || 'Message',
    text: text(raw.text),
    timestamp: Date.parse(text(raw.timestamp)) || Date.now(),
    from: {
      id,
      type: id === self ? 'Client' : given === 'Client' ? 'External' : given,
      name: text(raw.from?.nickname),
    },
    id: String(raw.index ?? ''),
  };
}

/** The claims of a JWT, read without checking it (only the server can, and does). */
function claims(token: string): Record<string, unknown> {
  try {
    const part = (token.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/');
    const found: unknown = JSON.parse(atob(part));
    return isRecord(found) ? found : {};
  } catch {
    return {};
  }
}

const operationId = (): string =>
  `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function createV3Transport(setup: TransportSetup): ChatTransport {
  const { cookies, option, win } = setup;
  let session: Session | undefined;
  let listener: TransportListener | undefined;
  let leader: TabLeader | undefined;
  /** The last index processed; the next poll asks for what came after it. */
  let index = 0;
  let prefetched: News | undefined;
  let generation = 0;
  let down = false;
  let poll: AbortController | undefined;
  let typingTimer: ReturnType<typeof setTimeout> | undefined;
  let unwatch: (() => void) | undefined;
  let wake: () => void = () => undefined;

  const hooks = (): Record<string, unknown> | undefined => {
    const given = option('async');
    return isRecord(given) &&
      given['enabled'] === true &&
      typeof given['getSessionData'] === 'function'
      ? given
      : undefined;
  };
  const base = (): string => text(option('dataURL')).replace(/\/+$/, '');
  const current = (): boolean =>
    session !== undefined &&
    (hooks() !== undefined || cookies.get(V3_COOKIES.session) === session.sessionId);
  const isLost = (error: unknown): boolean => {
    if (!isRecord(error)) return false;
    const reply = error['reply'];
    const status =
      isRecord(reply) && isRecord(reply['status']) ? reply['status']['code'] : undefined;
    return status === 'INVALID_SESSION' || error['status'] === 404 || error['status'] === 409;
  };

  /** One call; answers the reply's `data`. */
  const call = async <T>(
    method: string,
    path: string,
    body?: unknown,
    wait?: { ms: number; signal: AbortSignal },
  ): Promise<T> => {
    const headers: Record<string, string> = {};
    const configured = option('headers');
    if (isRecord(configured))
      for (const [name, value] of Object.entries(configured)) headers[name] = String(value);
    if (session) headers['x-nexus-client-key'] = session.token;
    const form = body instanceof FormData;
    const reply = await httpCall(setup, {
      method,
      url: base() + path,
      headers,
      body: form ? body : undefined,
      json: form ? undefined : body,
      timeout: wait?.ms ?? Math.max(number(option('ajaxTimeout'), 10000), 3000),
      signal: wait?.signal,
    });
    return (isRecord(reply) && isRecord(reply['data']) ? reply['data'] : {}) as T;
  };
  const own = (): string => `/${encodeURIComponent(session!.sessionId)}`;
  const messages = (
    after: number,
    count?: number,
    wait?: { ms: number; signal: AbortSignal },
  ): Promise<News> =>
    call<News>(
      'GET',
      `${own()}/messages?index=${after}&operationId=${operationId()}` +
        (count ? `&count=${count}` : `&timeout=${LONG_POLL_S}`),
      undefined,
      wait,
    );

  const read = (raws: V3Message[] | undefined): Received[] =>
    (raws ?? [])
      .filter((raw) => typeof raw.index === 'number')
      .map((raw) => ({ message: normaliseV3(raw, session?.participantId ?? ''), original: raw }));

  const save = (): void => {
    if (!session) return;
    const given = hooks();
    if (given) {
      (given['getSessionData'] as Callback)({
        messageIndex: index,
        token: session.token,
        sessionId: session.sessionId,
      });
      return;
    }
    cookies.set(V3_COOKIES.session, session.sessionId);
    cookies.set(V3_COOKIES.keys, session.token);
  };
  const open = (found: Session): TransportSession => ({
    self: found.participantId,
    data: {
      sessionId: found.sessionId,
      participantId: found.participantId,
      clientToken: found.token,
    },
  });

  /** Where the visitor stands, before the messages: an agent's join in them has the last word. */
  const place = (news: News): void => {
    const status = queueStatus(news.queuePosition);
    if (status && !news.chatEnded) listener?.queue(status);
  };

  /** What a poll found, in this tab or (`shared`) in the leader's. */
  const apply = (news: News, shared: boolean): void => {
    if (!listener) return;
    index = Math.max(index, number(news.index, 0));
    place(news);
    const received = read(news.messages);
    if (shared) for (const item of received) listener.pushed(item);
    else listener.caughtUp(received, false);
    for (const raw of news.messages ?? []) {
      const who = text(raw.from?.participantId);
      if (raw.type === 'TypingStarted' && who && who !== session?.participantId) {
        listener.typing(normaliseV3(raw, session?.participantId ?? '').from);
      }
    }
    if (news.chatEnded) listener.ended(true);
  };

  const goDown = (): void => {
    poll?.abort();
    if (!down) {
      down = true;
      listener?.disconnected();
    }
  };
  const goUp = (): void => {
    if (down) {
      down = false;
      listener?.reconnected();
    }
  };

  /** The leader's loop: wait for news, apply it, share it; back off after failures. */
  const lead = async (mine: number, ready: Promise<void>): Promise<void> => {
    await ready;
    let failures = 0;
    while (mine === generation && current() && leader?.leading() !== false) {
      poll = new AbortController();
      try {
        const news = await messages(index, undefined, {
          ms: (LONG_POLL_S + 10) * 1000,
          signal: poll.signal,
        });
        if (mine !== generation) return;
        failures = 0;
        goUp();
        apply(news, false);
        leader?.share({ sessionId: session?.sessionId, news });
        if (news.chatEnded) return;
      } catch (error) {
        if (mine !== generation) return;
        if (isLost(error)) return listener?.lost(error as HttpError);
        const failure = error as HttpError;
        if (failure.status === 0 || failure.status >= 500) goDown();
        const base = Math.max(number(option('pollTimeout'), 3000), 100);
        const multiplier = Math.max(number(option('pollIntervalMultiplier'), 1.2), 1);
        // Being rate limited is no reason to wait longer each time.
        if (failure.status !== 429) failures++;
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(
            resolve,
            Math.min(base * multiplier ** Math.max(0, failures - 1), MAX_RETRY_MS),
          );
        });
      }
    }
  };

  return {
    type: V3,
    async start(asked: StartRequest) {
      session = undefined;
      index = 0;
      const data: Record<string, unknown> = {
        firstName: asked.form['firstname'] ?? '',
        lastName: asked.form['lastname'] ?? '',
        nickname: asked.nickname,
        email: asked.form['email'] ?? '',
        subject: asked.form['subject'] ?? '',
        userData: asked.userData,
      };
      for (const key of ['endpoint', 'stream', 'clientType']) {
        if (typeof option(key) === 'string') data[key] = option(key);
      }
      const made = await call<Record<string, unknown>>('POST', '', {
        operationId: operationId(),
        data,
      });
      const { sessionId, participantId, clientToken } = made;
      if (
        typeof sessionId !== 'string' ||
        typeof participantId !== 'string' ||
        typeof clientToken !== 'string'
      ) {
        throw { status: 0, code: 'bad_response', message: 'Incomplete session response' };
      }
      session = { sessionId, participantId, token: clientToken };
      save();
      return open(session);
    },
    stored() {
      let token: string | undefined;
      let sessionId: string | undefined;
      const given = hooks();
      if (given && typeof given['setSessionData'] === 'function') {
        let value = (given['setSessionData'] as Callback)(`_genesys.widgets.${V3_COOKIES.session}`);
        try {
          if (typeof value === 'string') value = JSON.parse(value) as unknown;
        } catch {
          value = undefined;
        }
        if (isRecord(value)) {
          token = text(value['token']) || undefined;
          index = number(value['messageIndex'], 0);
        }
      } else {
        token = cookies.get(V3_COOKIES.keys);
        sessionId = cookies.get(V3_COOKIES.session);
      }
      if (!token) return undefined;
      const read = claims(token);
      // The session id from the cookie even when the token is damaged: the server then says so.
      sessionId = sessionId ?? (text(read['sessionId']) || undefined);
      if (!sessionId) return undefined;
      session = { sessionId, participantId: text(read['participantId']), token };
      return open(session);
    },
    async verify() {
      const news = await messages(0, WHOLE_CHAT);
      if (news.chatEnded) throw { status: 0, code: 'ended', message: 'The chat has ended.' };
      prefetched = news;
    },
    connect(given) {
      listener = given;
      const mine = ++generation;
      const sessionId = session!.sessionId;
      let first!: () => void;
      const ready = new Promise<void>((resolve) => {
        first = resolve;
      });
      let polling = false;
      leader = electLeader(
        win,
        `frontdesk-${V3}-${sessionId}`,
        () => {
          if (polling) return;
          polling = true;
          lead(mine, ready)
            .catch(() => undefined)
            .finally(() => {
              polling = false;
            });
        },
        (data) => {
          if (isRecord(data) && data['sessionId'] === sessionId && isRecord(data['news']))
            apply(data['news'], true);
        },
      );
      unwatch?.();
      unwatch = watchNetwork(win, goDown, () => wake());
      const catchUp = async (): Promise<void> => {
        for (let attempt = 0; mine === generation; attempt++) {
          try {
            const news = prefetched ?? (await messages(0, WHOLE_CHAT));
            prefetched = undefined;
            if (mine !== generation) return;
            index = Math.max(index, number(news.index, 0));
            goUp();
            place(news);
            listener?.caughtUp(read(news.messages), true);
            if (news.chatEnded) listener?.ended(true);
            return first();
          } catch (error) {
            if (isLost(error)) return listener?.lost(error as HttpError);
            goDown();
            await delay(Math.min(1000 * 2 ** attempt, MAX_RETRY_MS));
          }
        }
      };
      catchUp().catch(() => undefined);
    },
    async messagesAfter(after) {
      const from = Number(after ?? 0);
      const news = await messages(from, WHOLE_CHAT);
      return read(news.messages).filter((item) => item.message.index > from);
    },
    async history(before, count) {
      const oldest = Number(before);
      const news = await messages(
        Math.max(0, oldest - count - 1),
        Math.max(1, Math.min(count, oldest - 1)),
      );
      return read(news.messages).filter((item) => item.message.index < oldest);
    },
    rememberLast(id) {
      if (!current()) return;
      if (hooks()) save();
      else cookies.set(V3_COOKIES.index, id);
    },
    lastId: () => cookies.get(V3_COOKIES.index),
    current,
    async send(message) {
      const made = await sendOnce((idempotencyKey) =>
        call<Record<string, unknown>>('POST', `${own()}/messages`, {
          operationId: operationId(),
          idempotencyKey,
          data: { type: 'Text', text: message },
        }),
      );
      const [item] = read(isRecord(made['message']) ? [made['message'] as V3Message] : []);
      if (item) listener?.pushed(item);
      return made;
    },
    async typing(preview) {
      clearTimeout(typingTimer);
      const path = `${own()}/messages`;
      typingTimer = setTimeout(() => {
        if (!current()) return;
        call('POST', path, { operationId: operationId(), data: { type: 'TypingStopped' } }).catch(
          () => undefined,
        );
        listener?.event?.('clientTypingStopped');
      }, TYPING_STOP_MS);
      // The v3 typing message carries the unsent text, which agents see as a preview.
      return call('POST', path, {
        operationId: operationId(),
        data: { type: 'TypingStarted', text: preview },
      });
    },
    end: () =>
      call('DELETE', `${own()}/participants/${encodeURIComponent(session!.participantId)}`, {
        operationId: operationId(),
      }),
    isLost,
    stop(clear) {
      generation++;
      poll?.abort();
      wake();
      leader?.stop();
      leader = undefined;
      clearTimeout(typingTimer);
      unwatch?.();
      unwatch = undefined;
      if (clear && current()) {
        const given = hooks();
        if (given) (given['deleteSessionData'] as Callback | undefined)?.();
        else for (const name of Object.values(V3_COOKIES)) cookies.remove(name);
      }
      session = undefined;
      listener = undefined;
      prefetched = undefined;
      down = false;
      index = 0;
    },
    windowOpen(open) {
      cookies.set(V3_OPEN_COOKIE, String(open));
    },
    updateUserData: (data) =>
      call('PUT', `${own()}/userdata`, { operationId: operationId(), data }),
    async sendFile(file) {
      const made = await sendOnce((idempotencyKey) => {
        const form = new FormData();
        form.append('file', file, file.name);
        form.append('operationId', operationId());
        form.append('idempotencyKey', idempotencyKey);
        return call<Record<string, unknown>>('POST', `${own()}/images`, form);
      });
      const [item] = read(isRecord(made['message']) ? [made['message'] as V3Message] : []);
      if (item) listener?.pushed(item);
      return made;
    },
    // A file (`content.url` is `/sessions/<id>/images/<file id>`): fetched with the token header.
    downloadFile: (fileId) =>
      saveDownload(
        win,
        setup.fetch,
        `${base()}${own()}/images/${encodeURIComponent(fileId)}`,
        session ? { 'x-nexus-client-key': session.token } : {},
      ),
  };
}
