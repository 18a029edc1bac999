/** The agent event stream (`/api/agent/events`), reconnecting with jittered backoff. */

import type { Member, Message, Status } from './api';

export type DeskEvent =
  | { type: 'ready'; agent_id: number }
  | {
      type: 'queue' | 'conversation';
      conversation_id: string;
      state: string;
      agent_id: number | null;
      last_index: number;
    }
  | { type: 'agent-status'; agent_id: number; status: Status }
  | { type: 'message'; conversation_id: string; index: number; message: Message }
  | { type: 'member'; conversation_id: string; last_index: number; member: Member }
  | {
      type: 'typing';
      conversation_id: string;
      last_index: number;
      member: Member;
      typing: boolean;
      preview?: string;
    }
  | { type: 'call'; call_id: string; state: string; queue: string; agent_id: number | null }
  | { type: 'heartbeat' }
  | { type: 'resync' }
  | { type: 'error'; error: { code: string; message: string } };

export type Connection = 'connecting' | 'open' | 'closed';

const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 15_000;
/** Heartbeats come every 10 s; a socket silent for longer than this is dead. */
const SILENCE_MS = 25_000;
const CLOSE_UNAUTHORIZED = 4401;

export interface EventHandlers {
  onEvent: (event: DeskEvent) => void;
  onConnection: (state: Connection) => void;
  onUnauthorized: () => void;
}

/** Open the stream; the returned function closes it for good. */
export function openEvents(handlers: EventHandlers): () => void {
  let socket: WebSocket | null = null;
  let attempt = 0;
  let stopped = false;
  let retry: number | undefined;
  let watchdog: number | undefined;

  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/agent/events`;

  const feed = (): void => {
    window.clearTimeout(watchdog);
    watchdog = window.setTimeout(() => socket?.close(), SILENCE_MS);
  };

  const schedule = (): void => {
    if (stopped) return;
    // Full jitter: many desks reconnecting after a restart spread out instead of stampeding.
    const ceiling = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** attempt);
    attempt += 1;
    retry = window.setTimeout(connect, ceiling / 2 + Math.random() * (ceiling / 2));
  };

  function connect(): void {
    if (stopped) return;
    handlers.onConnection('connecting');
    const current = new WebSocket(url);
    socket = current;
    current.onmessage = (frame: MessageEvent) => {
      feed();
      let event: DeskEvent;
      try {
        event = JSON.parse(String(frame.data)) as DeskEvent;
      } catch {
        return;
      }
      if (event.type === 'ready') {
        attempt = 0;
        handlers.onConnection('open');
      }
      handlers.onEvent(event);
    };
    current.onopen = feed;
    current.onclose = (closed: CloseEvent) => {
      window.clearTimeout(watchdog);
      if (socket !== current) return;
      socket = null;
      handlers.onConnection('closed');
      if (closed.code === CLOSE_UNAUTHORIZED) {
        handlers.onUnauthorized();
        return;
      }
      schedule();
    };
  }

  connect();
  return () => {
    stopped = true;
    window.clearTimeout(retry);
    window.clearTimeout(watchdog);
    const current = socket;
    socket = null;
    current?.close();
  };
}
