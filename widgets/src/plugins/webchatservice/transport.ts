/**
 * What WebChatService's session logic needs from a chat transport, so that another wire
 * protocol plugs in without touching it. A transport owns its wire shapes, its own session
 * cookies and its connection (a socket, or polling); the session logic owns everything else:
 * de-duplication by message index and catch-up after gaps, agents and typing timers, the
 * generic state cookies (`webchat.state.filters`, `webchat.state.ping`) and every bus event.
 * Transports are picked by `webchat.transport.type` in `transports.ts`.
 */
import type { CookieStore } from '../../core/cookies';
import type { Http } from '../../core/http';
import type { ChatMessage, Party } from './messages';

/** A failed request: HTTP status (0 = no answer) and the server's error envelope. */
export interface RequestError {
  status: number;
  code: string;
  message: string;
  details?: unknown;
}

/** The session a transport started or found in its cookies. */
export interface TransportSession {
  /** The visitor's own participant id: messages from it are the visitor's. */
  self: string;
  /** The session as `getSessionData`, `started` and `messageReceived` publish it. */
  data: Record<string, unknown>;
}

/** A message as the transport read it: normalised, with the server's own object beside it. */
export interface Received {
  message: ChatMessage;
  original: unknown;
}

/** Where a waiting visitor stands: 1 is next. */
export interface QueueStatus {
  position: number;
  estimatedWaitSeconds: number;
}

/** What `startChat` asks of the server, before any protocol's naming. */
export interface StartRequest {
  nickname: string;
  /** The registration form's `firstname`, `lastname`, `email` and `subject`, when given. */
  form: Record<string, string>;
  /** Configured and given userData with the page context (`_genesys_*`), as strings. */
  userData: Record<string, string>;
  /** Routing and journey data (`interactionData`). */
  interactionData: Record<string, unknown>;
}

/** What a transport reports to the session logic. Calls arrive in the order things happened. */
export interface TransportListener {
  /** One message the server pushed, or that the visitor just sent. */
  pushed(received: Received): void;
  /** Everything missed while not connected (all of it, or the newest page, on the first open). */
  caughtUp(messages: Received[], first: boolean): void;
  /** Someone else is typing. */
  typing(from: Party): void;
  /** Someone else joined or left (not the visitor). */
  member(party: Party, connected: boolean): void;
  queue(status: QueueStatus): void;
  disconnected(): void;
  reconnected(): void;
  /** The conversation ended: the visitor left (`own`), or it ended elsewhere (another tab). */
  ended(own: boolean): void;
  /** The server no longer knows the session. */
  lost(error: RequestError): void;
  /** A transport's own WebChatService event (`sleeping`, `chatServerWentOffline`, ...). */
  event?(name: string, data?: unknown): void;
}

export interface ChatTransport {
  /** `webchat.transport.type`; also the prefix of the codes in `error` events. */
  readonly type: string;
  start(request: StartRequest): Promise<TransportSession>;
  /** The session this transport's cookies hold, if all its parts are there. */
  stored(): TransportSession | undefined;
  /** Check with the server that the stored session still runs; rejects when it does not. */
  verify(): Promise<void>;
  /** Start receiving. On the first open, `firstPage` limits the history to the newest messages. */
  connect(listener: TransportListener, firstPage?: number): void;
  /** Every message after the one with id `after` (all when undefined), oldest first. */
  messagesAfter(after: string | undefined): Promise<Received[]>;
  /** Up to `count` messages before the one with id `before`, oldest first (pagination). */
  history?(before: string, count: number): Promise<Received[]>;
  /** The newest message held without a gap, for the next catch-up. */
  rememberLast(id: string): void;
  /** What `rememberLast` stored, on this page or an earlier one. */
  lastId(): string | undefined;
  /** True while this tab's session is still the one in the cookies. */
  current(): boolean;
  /** Send a message; it also reaches the listener as `pushed`. Resolves with the server's reply. */
  send(text: string): Promise<unknown>;
  typing(preview: string): Promise<unknown>;
  /** Leave the conversation, which ends it. */
  end(): Promise<unknown>;
  /** True when `error` means the server forgot the session. */
  isLost(error: unknown): boolean;
  /** Stop receiving and every timer; with `clear`, remove this session's cookies too. */
  stop(clear: boolean): void;
  // What some transports can do besides; the commands reject when a transport cannot.
  sendCustomNotice?(message: string, attributes?: Record<string, unknown>): Promise<unknown>;
  /** Merge `data` into the running chat's userData. */
  updateUserData?(data: Record<string, unknown>): Promise<unknown>;
  sendFile?(file: File): Promise<unknown>;
  getFileLimits?(): Promise<unknown>;
  downloadFile?(fileId: string): Promise<unknown>;
  /** `stopPoll` (true) / `startPoll`; false when polling already was in that state. */
  pausePolling?(paused: boolean): boolean;
  /** The `sleep` and `wake` commands. */
  sleep?(asleep: boolean): void;
  resetPollExceptions?(): void;
  /** WebChat's window opened or closed, for a transport that keeps its own copy of that. */
  windowOpen?(open: boolean): void;
}

/** What a transport is built from. */
export interface TransportSetup {
  /** A `webchat.transport` option, else the same `webchat` option (e.g. `ajaxTimeout`). */
  option(key: string): unknown;
  /** `common.http`, and the `fetch` it calls. */
  http: Http;
  fetch: typeof fetch;
  WebSocket: typeof WebSocket;
  win: Window;
  cookies: CookieStore;
}

export type TransportFactory = (setup: TransportSetup) => ChatTransport;
