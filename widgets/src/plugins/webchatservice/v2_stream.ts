/**
 * The event stream of the `purecloud-v2-sockets` transport: one WebSocket at a time, the token
 * in its first frame, heartbeat tracking, reconnects with jittered back-off, and on every open
 * a catch-up of what was missed. What the frames mean is the transport's business.
 */
import { isRecord } from '../../core/common';
import type { RequestError } from './transport';
import type { RawMessage } from './v2_messages';

const HEARTBEAT = 'WebSocket Heartbeat';
const MAX_BACKOFF_MS = 30000;

export interface V2StreamOptions {
  reconnectInterval: number;
  heartbeatInterval: number;
  WebSocket: typeof WebSocket;
  /** Where the browser announces `offline` / `online` (the window): drop and reconnect at once. */
  network?: Pick<Window, 'addEventListener' | 'removeEventListener'>;
}

export interface V2StreamHooks {
  /** Where to connect and the token to send, while there is a session. */
  target(): { url: string; jwt: string } | undefined;
  /** True while this tab's conversation is still the one in the cookies. */
  current(): boolean;
  /** After an open: what was missed, or 'ended' when the visitor is no longer a member. */
  missed(first: boolean): Promise<RawMessage[] | 'ended'>;
  caughtUp(messages: RawMessage[], first: boolean): void;
  frame(type: string, body: Record<string, unknown>): void;
  disconnected(): void;
  reconnected(): void;
  ended(): void;
  lost(error: RequestError): void;
  isLost(error: unknown): boolean;
}

export interface V2Stream {
  start(): void;
  stop(): void;
}

export function createV2Stream(options: V2StreamOptions, hooks: V2StreamHooks): V2Stream {
  let socket: WebSocket | undefined;
  let stopped = true;
  let down = false;
  let first = true;
  let attempt = 0;
  let beatTimer: ReturnType<typeof setTimeout> | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let unwatch: (() => void) | undefined;

  const goDown = (): void => {
    clearTimeout(beatTimer);
    if (!down) {
      down = true;
      hooks.disconnected();
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
      const initial = first;
      const missed = await hooks.missed(initial);
      if (missed === 'ended') return hooks.ended();
      if (socket !== ws) return;
      first = false;
      hooks.caughtUp(missed, initial);
      attempt = 0;
      if (down) {
        down = false;
        hooks.reconnected();
      }
    } catch (error) {
      if (hooks.isLost(error)) hooks.lost(error as RequestError);
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
    const target = hooks.target();
    if (stopped || !target) return;
    watch();
    if (!hooks.current()) return hooks.ended();
    const ws = new options.WebSocket(target.url);
    socket = ws;
    ws.onopen = () => {
      // The URL carries no secret: the token travels in the first frame.
      ws.send(JSON.stringify({ type: 'auth', token: target.jwt }));
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
      if (!hooks.current()) return hooks.ended();
      const meta = frame['metadata'];
      hooks.frame(isRecord(meta) && typeof meta['type'] === 'string' ? meta['type'] : '', body);
    };
    ws.onclose = (event: CloseEvent) => {
      // 4401/4404: the server refused the token or no longer has the conversation.
      if (socket === ws && !stopped && (event.code === 4401 || event.code === 4404)) {
        socket = undefined;
        clearTimeout(beatTimer);
        return hooks.lost({
          status: event.code - 4000,
          code: 'stream_refused',
          message: event.reason,
        });
      }
      drop(ws);
    };
  };

  return {
    start() {
      stopped = false;
      first = true;
      open();
    },
    stop() {
      stopped = true;
      down = false;
      attempt = 0;
      clearTimeout(beatTimer);
      clearTimeout(retryTimer);
      unwatch?.();
      unwatch = undefined;
      const ws = socket;
      socket = undefined;
      try {
        ws?.close();
      } catch {
        // Already closed.
      }
    },
  };
}
