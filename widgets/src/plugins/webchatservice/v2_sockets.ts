/**
 * The `purecloud-v2-sockets` transport: REST to create and drive a guest conversation, a
 * WebSocket for its events. It owns the five `webchat.state.purecloud-v2-sockets.*` cookies,
 * the socket's life (token frame, heartbeat tracking, reconnect with jittered back-off) and
 * the catch-up after a reconnect; what the events mean is the service's business.
 */
import type { CookieStore } from '../../core/cookies';
import { isRecord } from '../../core/common';

export const V2 = 'purecloud-v2-sockets';
const PREFIX = `webchat.state.${V2}.`;
/** Cookie names after the widgets prefix; site code reads and clears these directly. */
export const V2_COOKIES = {
  token: `${PREFIX}JWtoken`,
  conversation: `${PREFIX}ConversationID`,
  member: `${PREFIX}MemberID`,
  socket: `${PREFIX}WS_URL`,
  last: `${PREFIX}LastMsgId`,
} as const;

const API = '/api/v2/webchat/guest/conversations';
const HEARTBEAT = 'WebSocket Heartbeat';
const MAX_BACKOFF_MS = 30000;
const PAGE = 100;

export interface V2Session {
  conversationId: string;
  memberId: string;
  jwt: string;
  eventStreamUri: string;
}

export interface RawMessage {
  id: string;
  index?: number;
  body?: string;
  bodyType?: string;
  sender?: { id?: string };
  timestamp?: string;
  [key: string]: unknown;
}

export interface Member {
  id: string;
  displayName?: string;
  avatarImageUrl?: string;
  role?: string;
  state?: string;
}

/** A failed request: HTTP status (0 = no answer) and the server's error envelope. */
export interface RequestError {
  status: number;
  code: string;
  message: string;
  details?: unknown;
}

/** What the transport reports to the service. */
export interface V2Listener {
  frame(type: string, body: Record<string, unknown>): void;
  /** Messages missed while the socket was not open; `first` on the first open. */
  caughtUp(messages: RawMessage[], first: boolean): void;
  disconnected(): void;
  reconnected(): void;
  /** The conversation ended elsewhere (another tab, the server). */
  ended(): void;
  /** The server no longer knows the session (401/404). */
  lost(error: RequestError): void;
}

export interface V2Options {
  dataURL: string;
  timeout: number;
  reconnectInterval: number;
  heartbeatInterval: number;
  fetch: typeof fetch;
  WebSocket: typeof WebSocket;
  /** Where the browser announces `offline` / `online` (the window): drop and reconnect at once. */
  network?: Pick<Window, 'addEventListener' | 'removeEventListener'>;
  cookies: CookieStore;
}

export interface V2Transport {
  create(body: Record<string, unknown>): Promise<V2Session>;
  /** The session the cookies hold, if all its parts are there. */
  stored(): V2Session | undefined;
  request<T>(method: string, path: string, body?: unknown): Promise<T>;
  member(id: string): Promise<Member>;
  members(): Promise<Member[]>;
  /** Every message after `after` (all when undefined), oldest first. */
  messagesAfter(after: string | undefined): Promise<RawMessage[]>;
  lastId(): string | undefined;
  rememberLast(id: string): void;
  /**
   * Open the event stream. On every open the own member is checked and what was missed is
   * fetched: the whole history on the first open when `full`, else what came after LastMsgId.
   */
  connect(listener: V2Listener, full: boolean): void;
  /** True while this tab's conversation is still the one in the cookies. */
  current(): boolean;
  /** Close the socket and stop every timer; with `clear`, remove the cookies too. */
  stop(clear: boolean): void;
}

export const isLost = (error: unknown): boolean =>
  isRecord(error) && (error['status'] === 401 || error['status'] === 404);

function entities<T>(value: unknown): T[] {
  if (Array.isArray(value)) return value as T[];
  return isRecord(value) && Array.isArray(value['entities']) ? value['entities'] as T[] : [];
}

export function createV2Transport(options: V2Options): V2Transport {
  const { cookies } = options;
  const base = options.dataURL.replace(/\/+$/, '') + API;
  let session: V2Session | undefined;
  let socket: WebSocket | undefined;
  let stopped = true;
  let down = false;
  let attempt = 0;
  let beatTimer: ReturnType<typeof setTimeout> | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let unwatch: (() => void) | undefined;

  const request = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (session) headers['Authorization'] = `Bearer ${session.jwt}`;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), options.timeout);
    let response: Response;
    try {
      response = await options.fetch(base + path, {
        method, headers, signal: abort.signal,
        body: body === undefined ? null : JSON.stringify(body),
      });
    } catch (error) {
      const timedOut = abort.signal.aborted;
      throw { status: 0, code: timedOut ? 'timeout' : 'network', message: String(error) };
    } finally {
      clearTimeout(timer);
    }
    let data: unknown;
    try {
      data = JSON.parse(await response.text());
    } catch {
      data = undefined;
    }
    if (!response.ok) {
      const envelope = isRecord(data) && isRecord(data['error']) ? data['error'] : {};
      const failure: RequestError = {
        status: response.status,
        code: typeof envelope['code'] === 'string' ? envelope['code'] : `http_${response.status}`,
        message: typeof envelope['message'] === 'string' ? envelope['message'] : response.statusText,
      };
      if (envelope['details'] !== undefined) failure.details = envelope['details'];
      throw failure;
    }
    return data as T;
  };

  const conversation = (): string => `/${encodeURIComponent(session!.conversationId)}`;
  const member = (id: string): Promise<Member> =>
    request<Member>('GET', `${conversation()}/members/${encodeURIComponent(id)}`);

  const messagesAfter = async (after: string | undefined): Promise<RawMessage[]> => {
    const found: RawMessage[] = [];
    let from = after;
    for (;;) {
      const query = `?maxResults=${PAGE}&sortOrder=ascending${from ? `&after=${encodeURIComponent(from)}` : ''}`;
      const page = entities<RawMessage>(await request('GET', `${conversation()}/messages${query}`));
      found.push(...page);
      const last = page[page.length - 1];
      if (page.length < PAGE || !last || last.id === from) return found;
      from = last.id;
    }
  };

  const clearTimers = (): void => {
    clearTimeout(beatTimer);
    clearTimeout(retryTimer);
    unwatch?.();
    unwatch = undefined;
  };

  const current = (): boolean =>
    session !== undefined && cookies.get(V2_COOKIES.conversation) === session.conversationId;

  const connect = (listener: V2Listener, full: boolean): void => {
    stopped = false;
    let first = true;
    const goDown = (): void => {
      clearTimeout(beatTimer);
      if (!down) {
        down = true;
        listener.disconnected();
      }
    };
    const retry = (): void => {
      if (stopped) return;
      const delay = Math.min(options.reconnectInterval * 2 ** attempt, MAX_BACKOFF_MS);
      attempt++;
      retryTimer = setTimeout(open, delay * (0.5 + Math.random() / 2));
    };
    const drop = (ws: WebSocket): void => {
      if (socket !== ws || stopped) return;
      socket = undefined;
      goDown();
      try {
        ws.close();
      } catch {
        // Already closed.
      }
      retry();
    };
    const beat = (ws: WebSocket): void => {
      clearTimeout(beatTimer);
      beatTimer = setTimeout(() => drop(ws), options.heartbeatInterval);
    };
    const resume = async (ws: WebSocket): Promise<void> => {
      try {
        const me = await member(session!.memberId);
        if (me.state === 'DISCONNECTED') return listener.ended();
        const initial = first;
        const missed = await messagesAfter(initial && full ? undefined : cookies.get(V2_COOKIES.last));
        if (socket !== ws) return;
        first = false;
        listener.caughtUp(missed, initial);
        attempt = 0;
        if (down) {
          down = false;
          listener.reconnected();
        }
      } catch (error) {
        if (isLost(error)) listener.lost(error as RequestError);
        else drop(ws);
      }
    };
    // The browser knows about a lost network long before a heartbeat is missed, and knows when
    // it is back: reconnect then instead of waiting out the back-off.
    const watch = (): void => {
      const network = options.network;
      if (!network || unwatch) return;
      const offline = (): void => {
        if (socket) drop(socket);
      };
      const online = (): void => {
        if (stopped || socket) return;
        clearTimeout(retryTimer);
        attempt = 0;
        open();
      };
      network.addEventListener('offline', offline);
      network.addEventListener('online', online);
      unwatch = () => {
        network.removeEventListener('offline', offline);
        network.removeEventListener('online', online);
      };
    };
    const open = (): void => {
      if (stopped || !session) return;
      watch();
      if (!current()) return listener.ended();
      const ws = new options.WebSocket(session.eventStreamUri);
      socket = ws;
      ws.onopen = () => {
        // The URL carries no secret: the token travels in the first frame.
        ws.send(JSON.stringify({ type: 'auth', token: session!.jwt }));
        beat(ws);
        resume(ws).catch(() => undefined);
      };
      ws.onmessage = (event: MessageEvent) => {
        if (socket !== ws) return;
        beat(ws);
        let frame: unknown;
        try {
          frame = JSON.parse(String(event.data));
        } catch {
          return;
        }
        if (!isRecord(frame) || !isRecord(frame['eventBody'])) return;
        const body = frame['eventBody'];
        if (body['message'] === HEARTBEAT) return;
        if (!current()) return listener.ended();
        const meta = frame['metadata'];
        const type = isRecord(meta) && typeof meta['type'] === 'string' ? meta['type'] : '';
        listener.frame(type, body);
      };
      ws.onclose = (event: CloseEvent) => {
        // 4401/4404: the server refused the token or no longer has the conversation.
        if (socket === ws && !stopped && (event.code === 4401 || event.code === 4404)) {
          socket = undefined;
          clearTimeout(beatTimer);
          return listener.lost({ status: event.code - 4000, code: 'stream_refused', message: event.reason });
        }
        drop(ws);
      };
    };
    open();
  };

  return {
    async create(body) {
      session = undefined;
      const made = await request<Record<string, unknown>>('POST', '', body);
      const own = made['member'];
      const memberId = isRecord(own) ? own['id'] : undefined;
      const { id, jwt, eventStreamUri } = made;
      if (typeof id !== 'string' || typeof jwt !== 'string' || typeof eventStreamUri !== 'string'
        || typeof memberId !== 'string') {
        throw { status: 0, code: 'bad_response', message: 'Incomplete conversation response' };
      }
      session = { conversationId: id, memberId, jwt, eventStreamUri };
      cookies.set(V2_COOKIES.token, jwt);
      cookies.set(V2_COOKIES.conversation, id);
      cookies.set(V2_COOKIES.member, memberId);
      cookies.set(V2_COOKIES.socket, eventStreamUri);
      return session;
    },
    stored() {
      const conversationId = cookies.get(V2_COOKIES.conversation);
      const memberId = cookies.get(V2_COOKIES.member);
      const jwt = cookies.get(V2_COOKIES.token);
      const eventStreamUri = cookies.get(V2_COOKIES.socket);
      session = conversationId && memberId && jwt && eventStreamUri
        ? { conversationId, memberId, jwt, eventStreamUri }
        : undefined;
      return session;
    },
    request,
    member,
    async members() {
      return entities<Member>(await request('GET', `${conversation()}/members`));
    },
    messagesAfter,
    lastId: () => cookies.get(V2_COOKIES.last),
    rememberLast(id) {
      if (current()) cookies.set(V2_COOKIES.last, id);
    },
    connect,
    current,
    stop(clear) {
      stopped = true;
      down = false;
      attempt = 0;
      clearTimers();
      const ws = socket;
      socket = undefined;
      try {
        ws?.close();
      } catch {
        // Already closed.
      }
      // Another tab may have started a new conversation: only this one's cookies go.
      if (clear && current()) for (const name of Object.values(V2_COOKIES)) cookies.remove(name);
      session = undefined;
    },
  };
}
