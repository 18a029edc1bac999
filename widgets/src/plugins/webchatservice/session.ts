/**
 * One chat session of WebChatService, over whichever transport is configured: start, restore,
 * end; messages de-duplicated by their per-conversation index and, after any gap, reconnect or
 * page load, fetched again from the last one held; older pages on request (async chat). It
 * publishes WebChatService's session events.
 */
import { isRecord } from '../../core/common';
import type { CookieStore } from '../../core/cookies';
import type { PluginInterface } from '../../core/types';
import { createAgents, type Agent } from './agents';
import { createLastContact } from './last_contact';
import { FILTERS_COOKIE, isFiltered, readFilters, type ChatMessage } from './messages';
import * as R from './reasons';
import type {
  ChatTransport,
  Received,
  RequestError,
  StartRequest,
  TransportListener,
  TransportSession,
} from './transport';

const WATCH_MS = 1000;
const TYPING_THROTTLE_MS = 2000;

export interface SessionSetup {
  plugin: PluginInterface;
  win: Window;
  cookies(): CookieStore;
  option(key: string): unknown;
  makeTransport(): ChatTransport | undefined;
  /** Async chat: a restore ignores `restoreTimeout`, and history comes one page at a time. */
  asyncChat(): boolean;
  pageSize(): number;
  /** ms of absence after which a restore is refused. */
  restoreTimeout(): number;
}

export type Preprocessor = (message: ChatMessage) => unknown;

interface Published {
  messages: ChatMessage[];
  originalMessages: unknown[];
}

export interface ChatSession {
  hasTransport(): boolean;
  /** The transport can page back through older messages. */
  pages(): boolean;
  active(): boolean;
  restoring(): boolean;
  /** Pick up a changed configuration (only between sessions). */
  reconfigure(): void;
  start(request: StartRequest): Promise<unknown>;
  restore(): Promise<unknown>;
  /** True when cookies name a session to restore. */
  stored(): boolean;
  end(): Promise<unknown>;
  send(text: string): Promise<unknown>;
  typing(preview: string): Promise<unknown>;
  /** The page of messages before the oldest one held. */
  history(): Promise<Published>;
  /** `verifySession`: waits for a running restore; notices a session ended in another tab. */
  verify(): Promise<boolean>;
  data(): Record<string, unknown> | undefined;
  transcript(): Published;
  agents(): Record<string, Agent>;
  stats(): Record<string, unknown>;
  addPreprocessor(run: Preprocessor): void;
  publishError(error: unknown): void;
  /** The transport of the running session, or the one the next session will use. */
  transport(): ChatTransport | undefined;
  /** Run a transport call on the running session, with the same error handling as `send`. */
  use<T>(run: (active: ChatTransport) => Promise<T>): Promise<T>;
}

export function createSession(setup: SessionSetup): ChatSession {
  const { plugin } = setup;
  let transport = setup.makeTransport();
  let session: TransportSession | undefined;
  let restoring: Promise<unknown> | undefined;
  /** What was published, with the transport's originals, in index order whatever order it came in. */
  let held: { message: ChatMessage; original: unknown }[] = [];
  let startTime = 0;
  let endTime = 0;
  let typingSent = 0;
  /** A throttled preview, sent once the throttle allows. */
  let typingLater: ReturnType<typeof setTimeout> | undefined;
  /** Message ids by index; `lastIndex` is the end of the gapless run held. */
  const seen = new Map<number, string | undefined>();
  let lastIndex = 0;
  let catching = false;
  let replayNext = false;
  /** On a restore: the newest message an earlier page held; what came after is news. */
  let heldBefore: string | undefined;
  let online = false;
  const preprocessors: Preprocessor[] = [];
  let chain: Promise<void> = Promise.resolve();
  let watch: ReturnType<typeof setInterval> | undefined;
  const agents = createAgents(
    plugin,
    () => session?.self ?? '',
    () => setup.option('botEventsEnabled') === true,
  );
  const contact = createLastContact(setup.cookies, setup.restoreTimeout);

  const enqueue = (job: () => Promise<void> | void): void => {
    chain = chain.then(job).catch((error: unknown) => publishError(error));
  };
  const publishError = (error: unknown): void => {
    const failure = error as Partial<RequestError>;
    plugin.publish('error', {
      errors: [
        {
          code: `${transport?.type ?? 'webchat'}-${failure.code ?? 'error'}`,
          message: failure.message ?? String(error),
          response: error,
        },
      ],
    });
  };

  const catchUp = (): void => {
    if (catching || !transport) return;
    catching = true;
    const active = transport;
    const mine = session;
    enqueue(async () => {
      try {
        if (mine && session === mine) {
          const missed = await active.messagesAfter(seen.get(lastIndex));
          if (session === mine) deliver(missed, false, true);
        }
      } finally {
        catching = false;
      }
    });
  };

  /**
   * Publish the messages not seen before, in index order. `settled` marks a complete fetch: it
   * fixes where the gapless run stands (indexes it skipped are kinds the visitor never sees),
   * and none of it triggers a catch-up. `old` messages come before everything held.
   */
  const deliver = (
    items: Received[],
    replay: boolean,
    settled: boolean,
    old = false,
  ): Published => {
    const published: Published = { messages: [], originalMessages: [] };
    if (!session) return published;
    const fresh = items
      .filter((item) => !seen.has(item.message.index))
      .sort((a, b) => a.message.index - b.message.index);
    // A pushed message after a gap waits for the catch-up, which fetches both in order.
    const next = fresh[0]?.message.index;
    if (!settled && lastIndex > 0 && next !== undefined && next > lastIndex + 1) {
      catchUp();
      return published;
    }
    const filters = readFilters(setup.cookies());
    for (const item of fresh) {
      const { index, from } = item.message;
      if (seen.has(index)) continue;
      seen.set(index, item.message.id);
      let message: ChatMessage = replay
        ? { ...item.message, restoring: true }
        : { ...item.message };
      const hidden = isFiltered(message.text, filters);
      for (const run of preprocessors) {
        try {
          const changed = run(message);
          if (isRecord(changed)) message = changed as unknown as ChatMessage;
        } catch {
          // A site's pre-processor failing must not lose the message.
        }
      }
      if (!old) {
        if (message.type === 'ParticipantJoined') agents.update(from, true, message);
        if (message.type === 'ParticipantLeft') agents.update(from, false, message);
        if (message.from.type !== 'Client' && message.type === 'Message') agents.stopTyping(false);
      }
      if (hidden) continue;
      published.messages.push(message);
      published.originalMessages.push(item.original);
    }
    if (settled && !old) {
      for (const item of items) lastIndex = Math.max(lastIndex, item.message.index);
    }
    while (seen.has(lastIndex + 1)) lastIndex++;
    const lastId = seen.get(lastIndex);
    if (lastId) transport?.rememberLast(lastId);
    published.messages.forEach((message, at) => {
      let place = held.length;
      while (place > 0 && held[place - 1]!.message.index > message.index) place--;
      held.splice(place, 0, { message, original: published.originalMessages[at] });
    });
    if (published.messages.length) {
      plugin.publish('messageReceived', {
        ...published,
        restoring: replay,
        sessionData: session.data,
        ...(old ? { oldMessages: true } : {}),
      });
    }
    const self = session.self;
    const ownLeft = fresh.some(
      (item) => item.message.type === 'ParticipantLeft' && item.message.from.id === self,
    );
    if (ownLeft && !replay && !old) finish(true);
    return published;
  };

  // Session life

  const finish = (clear: boolean): void => {
    if (!session) return;
    transport?.stop(clear);
    if (clear) {
      setup.cookies().remove(FILTERS_COOKIE);
      contact.clear();
    }
    session = undefined;
    clearTimeout(typingLater);
    online = false;
    endTime = Date.now();
    agents.disconnectAll();
    clearInterval(watch);
    transport = setup.makeTransport();
    plugin.data('sessionActive', false);
    plugin.command('App.deregisterAutoLoad').fail(() => undefined);
    plugin.publish('ended', {});
  };

  const lose = (error: unknown): void => {
    if (!session) return;
    plugin.publish('sessionLost', error);
    finish(true);
  };

  const listener: TransportListener = {
    pushed: (item) =>
      enqueue(() => {
        deliver([item], false, false);
      }),
    caughtUp(items, first) {
      const replay = first && replayNext;
      replayNext = false;
      online = true;
      contact.touch(true);
      const sorted = [...items].sort((a, b) => a.message.index - b.message.index);
      // Only what an earlier page already showed is replayed (`restoring`); messages that came
      // while the visitor was away are new to them. Without a record, all of it is replayed.
      const cut = !replay
        ? 0
        : heldBefore === undefined
          ? sorted.length
          : sorted.findIndex((item) => item.message.id === heldBefore) + 1;
      enqueue(() => {
        if (cut) deliver(sorted.slice(0, cut), true, true);
        deliver(sorted.slice(cut), false, true);
      });
    },
    typing: (from) =>
      enqueue(() => {
        if (session) agents.typing(from);
      }),
    member: (party, connected) =>
      enqueue(() => {
        if (session) agents.update(party, connected);
      }),
    queue: (status) =>
      enqueue(() => {
        if (!session) return;
        plugin.data('queuePosition', status);
        plugin.publish('queuePosition', status);
      }),
    disconnected() {
      online = false;
      plugin.publish('disconnected', {});
    },
    reconnected() {
      online = true;
      plugin.publish('reconnected', {});
    },
    ended: (own) => (own ? enqueue(() => finish(true)) : finish(false)),
    lost: lose,
    event: (name, data) => plugin.publish(name, data ?? {}),
  };

  const begin = (active: ChatTransport, started: TransportSession, replay: boolean): void => {
    transport = active;
    session = started;
    held = [];
    agents.reset();
    seen.clear();
    lastIndex = 0;
    typingSent = 0;
    startTime = Date.now();
    endTime = 0;
    replayNext = replay;
    heldBefore = replay ? active.lastId() : undefined;
    online = false;
    plugin.data('sessionActive', true);
    plugin.command('App.registerAutoLoad').fail(() => undefined);
    contact.touch(true);
    clearInterval(watch);
    watch = setInterval(() => {
      if (!session) return;
      // A conversation ended (or replaced) in another tab ends here too.
      if (!active.current()) return finish(false);
      if (online) contact.touch(false);
    }, WATCH_MS);
    active.connect(listener, setup.asyncChat() ? setup.pageSize() : undefined);
  };

  // The moment of leaving a page counts as contact: the next page restores within the limit.
  setup.win.addEventListener('pagehide', () => {
    if (session && online) contact.touch(true);
  });

  /** A call on the running session; a lost session ends the chat. */
  const call = async <T>(run: (active: ChatTransport) => Promise<T>): Promise<T> => {
    const active = transport;
    if (!session || !active) throw R.NO_SESSION;
    if (!active.current()) {
      finish(false);
      throw R.NO_SESSION;
    }
    try {
      return await run(active);
    } catch (error) {
      if (active.isLost(error)) lose(error);
      else publishError(error);
      throw error;
    }
  };

  const restore = (): Promise<unknown> => {
    if (restoring) return Promise.reject(R.RESTORING);
    if (session) return Promise.reject(R.ALREADY_ACTIVE);
    const active = transport;
    const stored = active?.stored();
    if (!active || !stored) return Promise.reject(R.NOTHING_TO_RESTORE);
    const asyncChat = setup.asyncChat();
    const attempt = (async () => {
      try {
        // An async chat is meant to outlive the visit; any other waits only so long.
        if (!asyncChat && contact.expired(setup.restoreTimeout())) {
          throw {
            status: 0,
            code: 'restore_timeout',
            message: 'The visitor was away longer than restoreTimeout.',
          };
        }
        await active.verify();
      } catch (error) {
        active.stop(true);
        setup.cookies().remove(FILTERS_COOKIE);
        contact.clear();
        const code = isRecord(error) ? error['code'] : undefined;
        const timedOut = code === 'timeout' || code === 'restore_timeout';
        plugin.publish(timedOut ? 'restoreTimeout' : 'restoreFailed', error);
        plugin.command('App.deregisterAutoLoad').fail(() => undefined);
        throw error;
      }
      begin(active, stored, true);
      plugin.publish('restored', { async: asyncChat });
      return stored.data;
    })();
    restoring = attempt;
    attempt.then(
      () => {
        restoring = undefined;
      },
      () => {
        restoring = undefined;
      },
    );
    return attempt;
  };

  const typeNow = (preview: string): Promise<unknown> => {
    if (!session) return Promise.resolve({});
    typingSent = Date.now();
    plugin.publish('clientTypingStarted', {});
    return call((active) => active.typing(preview));
  };

  return {
    hasTransport: () => transport !== undefined,
    pages: () => transport?.history !== undefined,
    active: () => session !== undefined,
    restoring: () => restoring !== undefined,
    reconfigure() {
      if (!session && !restoring) transport = setup.makeTransport();
    },
    async start(request) {
      const active = transport!;
      let created: TransportSession;
      try {
        created = await active.start(request);
      } catch (error) {
        publishError(error);
        throw error;
      }
      if (session) throw R.ACTIVE;
      begin(active, created, false);
      plugin.publish('started', { data: created.data });
      return created.data;
    },
    restore,
    stored: () => transport?.stored() !== undefined,
    async end() {
      try {
        return await call((active) => active.end());
      } finally {
        finish(true);
      }
    },
    send(text) {
      // A throttled preview must not follow the message it became.
      clearTimeout(typingLater);
      return call((active) => active.send(text));
    },
    async typing(preview) {
      if (!session) throw R.NO_SESSION;
      clearTimeout(typingLater);
      const wait = typingSent + TYPING_THROTTLE_MS - Date.now();
      if (wait <= 0) return typeNow(preview);
      // Throttled: the newest text still reaches the agent once the pause is over.
      typingLater = setTimeout(() => void typeNow(preview).catch(() => undefined), wait);
      return {};
    },
    async history() {
      if (!setup.asyncChat()) throw R.NO_HISTORY;
      const active = transport;
      if (!session || !active) throw R.NO_SESSION;
      if (!active.history) throw R.NO_HISTORY;
      const oldest = seen.size ? Math.min(...seen.keys()) : 0;
      const before = seen.get(oldest);
      if (oldest <= 1 || !before) throw R.NO_MORE_HISTORY;
      const older = await call((running) => running.history!(before, setup.pageSize()));
      const published = await new Promise<Published>((resolve, reject) =>
        enqueue(() => {
          try {
            resolve(deliver(older, false, true, true));
          } catch (error) {
            reject(error);
          }
        }),
      );
      if (!older.length) throw R.NO_MORE_HISTORY;
      return published;
    },
    async verify() {
      if (restoring) await restoring.catch(() => undefined);
      if (session && transport && !transport.current()) finish(false);
      return session !== undefined;
    },
    data: () => session?.data,
    transcript: () => ({
      messages: held.map((item) => item.message),
      originalMessages: held.map((item) => item.original),
    }),
    agents: () => agents.list(),
    stats: () => ({
      agents: agents.list(),
      startTime,
      endTime,
      duration: startTime ? (endTime || Date.now()) - startTime : 0,
    }),
    addPreprocessor(run) {
      preprocessors.push(run);
    },
    publishError,
    transport: () => transport,
    use: call,
  };
}
