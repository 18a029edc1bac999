/**
 * The REST polling transport (GMS Chat API v2), used when `webchat.transport.type` is not set:
 * form-encoded POSTs under `webchat.dataURL`, and a `refresh` every few seconds (`poll_timer.ts`
 * decides how often). It owns the generic `webchat.state.session`, `.keys` and `.index`
 * cookies; `.ping` is the session logic's (`last_contact.ts`). Message ids are the transcript
 * indexes as strings, so "after message id" and "after `state.index`" are the same thing.
 */
import { isRecord } from '../../core/common';
import type { HttpError } from '../../core/http';
import type { ChatMessage, PartyType } from './messages';
import { clamp, httpCall, number, queueStatus, text, watchNetwork } from './rest_http';
import { createPollTimer } from './poll_timer';
import { sendOnce } from './resend';
import { acquireStartLock } from './start_lock';
import type {
  ChatTransport,
  Received,
  StartRequest,
  TransportListener,
  TransportSession,
  TransportSetup,
} from './transport';

export const REST_POLLING = 'rest-polling';
export const REST_COOKIES = {
  session: 'webchat.state.session',
  keys: 'webchat.state.keys',
  index: 'webchat.state.index',
} as const;

const PARTY_TYPES: PartyType[] = ['Client', 'Agent', 'Supervisor', 'Bot', 'External'];
const TYPING_STOP_MS = 2500;
const CANCEL_IDLE = JSON.stringify({ purpose: 'cancel-idle-timer' });

interface Keys {
  alias: string;
  userId: string;
  secureKey: string;
}

interface Entry {
  index?: number;
  type?: string;
  text?: string;
  utcTime?: number;
  from?: { nickname?: string; participantId?: string; type?: string };
  [key: string]: unknown;
}

interface Reply {
  statusCode?: number;
  chatId?: string;
  messages?: Entry[];
  chatEnded?: boolean;
  userData?: unknown;
  /** Request chat and refresh, while no agent has the chat (a Frontdesk extension). */
  queuePosition?: unknown;
}

/** A transcript entry in the normalised shape (`self` is the visitor's own participant id). */
export function normaliseEntry(entry: Entry, self: string): ChatMessage {
  const from = entry.from ?? {};
  const given = PARTY_TYPES.find((type) => type === from.type) ?? 'External';
  const id = text(from.participantId);
  const message: ChatMessage = {
    index: typeof entry.index === 'number' ? entry.index : 0,
    type: text(entry.type) || 'Message',
    text: text(entry.text),
    timestamp: typeof entry.utcTime === 'number' ? entry.utcTime : Date.now(),
    from: {
      id,
      type: id === self ? 'Client' : given === 'Client' ? 'External' : given,
      name: text(from.nickname),
    },
    id: String(entry.index ?? ''),
  };
  return message;
}

export function createRestPollingTransport(setup: TransportSetup): ChatTransport {
  const { cookies, option, win } = setup;
  let chatId: string | undefined;
  let keys: Keys | undefined;
  let listener: TransportListener | undefined;
  /** The next transcript position to ask for: one past the highest index received. */
  let next = 1;
  let first = true;
  let down = false;
  let offlineReplies = 0;
  let serverOffline = false;
  let typingTimer: ReturnType<typeof setTimeout> | undefined;
  let unwatch: (() => void) | undefined;

  const base = (): string => text(option('dataURL')).replace(/\/+$/, '');
  const timeout = (): number => number(option('ajaxTimeout'), 3000);
  const headers = (): Record<string, string> => {
    const found: Record<string, string> = {};
    const apikey = option('apikey');
    if (typeof apikey === 'string' && apikey) found['apikey'] = apikey;
    return found;
  };
  const current = (): boolean =>
    chatId !== undefined && cookies.get(REST_COOKIES.session) === chatId;
  const isLost = (error: unknown): boolean =>
    isRecord(error) && (error['status'] === 401 || error['status'] === 404);

  /** POST `fields` (and the keys, once there are some) form-encoded to `path` after `dataURL`. */
  const post = async (
    path: string,
    fields: Record<string, string> = {},
    body?: FormData,
  ): Promise<Reply> => {
    const form = body ?? new URLSearchParams();
    if (keys) for (const [name, value] of Object.entries(keys)) form.append(name, value);
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    const reply = (await httpCall(setup, {
      method: 'POST',
      url: `${base()}${path}?_=${Date.now()}`,
      headers: headers(),
      body: form,
      timeout: body ? number(option('fileUploadTimeout'), 0) : timeout(),
    })) as Reply;
    if (isRecord(reply) && reply.statusCode !== undefined && reply.statusCode !== 0) {
      throw {
        status: 200,
        code: reply.statusCode === 1 ? 'unavailable' : 'error',
        message: 'The chat server refused the request.',
        reply,
      } satisfies HttpError;
    }
    return reply;
  };
  const chat = (action: string): string => `/${encodeURIComponent(chatId ?? '')}/${action}`;

  const read = (entries: Entry[] | undefined): Received[] =>
    (entries ?? [])
      .filter((entry) => typeof entry.index === 'number')
      .map((entry) => ({ message: normaliseEntry(entry, keys?.userId ?? ''), original: entry }));

  /** Hand what a reply carries to the listener; true when it brought anything new. */
  const take = (reply: Reply, from: number): boolean => {
    if (!listener) return false;
    const received = read(reply.messages).filter((item) => item.message.index >= from);
    for (const item of received) next = Math.max(next, item.message.index + 1);
    // Before the entries: should an agent's ParticipantJoined come in the same answer, it has
    // the last word and WebChat hides the place.
    const place = queueStatus(reply.queuePosition);
    if (place && !reply.chatEnded) listener.queue(place);
    const initial = first;
    first = false;
    listener.caughtUp(received, initial);
    let typing = false;
    for (const entry of reply.messages ?? []) {
      const who = entry.from?.participantId;
      if (entry.type === 'TypingStarted' && who && who !== keys?.userId) {
        typing = true;
        listener.typing(normaliseEntry(entry, keys?.userId ?? '').from);
      }
    }
    if (reply.chatEnded) listener.ended(true);
    return received.length > 0 || typing;
  };

  const succeeded = (): void => {
    if (down) {
      down = false;
      listener?.reconnected();
    }
    if (serverOffline) {
      serverOffline = false;
      listener?.event?.('chatServerBackOnline');
    }
    offlineReplies = 0;
  };
  const failed = (error: unknown): void => {
    const failure = error as HttpError;
    if (isLost(error)) {
      timer.stop();
      listener?.lost(failure);
      return;
    }
    // `statusCode: 1`: the chat server is there but cannot serve the chat now.
    const reply = failure.reply;
    if (failure.code === 'unavailable' || (isRecord(reply) && reply['statusCode'] === 1)) {
      offlineReplies++;
      if (
        offlineReplies === Math.max(1, number(option('pollExceptionLimit'), 5)) &&
        !serverOffline
      ) {
        serverOffline = true;
        listener?.event?.('chatServerWentOffline');
      }
    } else if (failure.status === 0 || failure.status >= 500) {
      goDown();
    }
  };
  const goDown = (): void => {
    if (!down) {
      down = true;
      listener?.disconnected();
    }
  };

  const timer = createPollTimer({
    option,
    win,
    async poll() {
      if (!current()) return;
      const from = first ? 1 : next;
      try {
        const reply = await post(chat('refresh'), { transcriptPosition: String(from) });
        succeeded();
        if (take(reply, from)) timer.activity();
      } catch (error) {
        failed(error);
      }
    },
    sleeping(asleep) {
      listener?.event?.(asleep ? 'sleeping' : 'waking');
      // An agent's idle timer should not close the chat of a visitor who is back.
      if (!asleep && current())
        post(chat('customNotice'), { eventAttributes: CANCEL_IDLE }).catch(() => undefined);
    },
  });

  const writeCookies = (): void => {
    if (!chatId || !keys) return;
    cookies.set(REST_COOKIES.session, chatId);
    cookies.setJSON(REST_COOKIES.keys, keys);
  };

  const opened = (): TransportSession => ({
    self: keys!.userId,
    data: {
      sessionID: chatId,
      chatId,
      alias: keys!.alias,
      userId: keys!.userId,
      secureKey: keys!.secureKey,
    },
  });

  /** A call on the running chat that also brings the transcript from `next` on. */
  const act = async (action: string, fields: Record<string, string> = {}): Promise<Reply> => {
    const from = next;
    const reply = await post(chat(action), { ...fields, transcriptPosition: String(from) });
    succeeded();
    take(reply, from);
    timer.activity();
    return reply;
  };

  return {
    type: REST_POLLING,
    async start(asked: StartRequest) {
      const release = await acquireStartLock(
        win,
        timeout(),
        () => cookies.get(REST_COOKIES.session) !== undefined,
      );
      try {
        chatId = undefined;
        keys = undefined;
        const fields: Record<string, string> = {
          nickname: asked.nickname,
          firstName: asked.form['firstname'] ?? '',
          lastName: asked.form['lastname'] ?? '',
          emailAddress: asked.form['email'] ?? '',
          subject: asked.form['subject'] ?? '',
          text: '',
        };
        const endpoint = option('endpoint');
        if (typeof endpoint === 'string') fields['endpoint'] = endpoint;
        for (const [key, value] of Object.entries(asked.userData))
          fields[`userData[${key}]`] = value;
        const slash = option('enableUrlTrailingSlash') === false ? '' : '/';
        const reply = (await post(slash, fields)) as Reply & Partial<Keys>;
        const { alias, userId, secureKey } = reply;
        if (
          typeof reply.chatId !== 'string' ||
          typeof alias !== 'string' ||
          typeof userId !== 'string' ||
          typeof secureKey !== 'string'
        ) {
          throw { status: 0, code: 'bad_response', message: 'Incomplete chat response' };
        }
        chatId = reply.chatId;
        keys = { alias, userId, secureKey };
        next = 1;
        writeCookies();
        return opened();
      } finally {
        release();
      }
    },
    stored() {
      const found = cookies.get(REST_COOKIES.session);
      const stored = cookies.getJSON(REST_COOKIES.keys);
      if (!found || !isRecord(stored)) return undefined;
      const { alias, userId, secureKey } = stored;
      if (typeof alias !== 'string' || typeof userId !== 'string' || typeof secureKey !== 'string')
        return undefined;
      chatId = found;
      keys = { alias, userId, secureKey };
      return opened();
    },
    async verify() {
      // The position after the stored index: a cheap answer that still says whether it ended.
      const reply = await post(chat('refresh'), {
        transcriptPosition: String(Number(cookies.get(REST_COOKIES.index) ?? 0) + 1),
      });
      // GMS widgets take a chat that ended meanwhile down the restore-timeout path (spec 10).
      if (reply.chatEnded)
        throw { status: 0, code: 'restore_timeout', message: 'The chat has ended.' };
    },
    connect(given) {
      listener = given;
      first = true;
      next = 1;
      unwatch?.();
      unwatch = watchNetwork(win, goDown, () => timer.now());
      timer.start();
      given.event?.('pollingStarted');
    },
    async messagesAfter(after) {
      const from = Number(after ?? 0) + 1;
      const reply = await post(chat('refresh'), { transcriptPosition: String(from) });
      return read(reply.messages).filter((item) => item.message.index >= from);
    },
    async history(before, count) {
      const until = Number(before);
      const from = clamp(until - count, 1, until);
      const reply = await post(chat('refresh'), { transcriptPosition: String(from) });
      return read(reply.messages)
        .filter((item) => item.message.index < until)
        .slice(-count);
    },
    rememberLast(id) {
      if (current()) cookies.set(REST_COOKIES.index, id);
    },
    lastId: () => cookies.get(REST_COOKIES.index),
    current,
    send: (message) =>
      sendOnce((idempotencyKey) => act('send', { message, messageType: 'text', idempotencyKey })),
    async typing(preview) {
      clearTimeout(typingTimer);
      // Stopped once no call came for a little longer than the session's 2 s throttle.
      typingTimer = setTimeout(() => {
        typingTimer = undefined;
        if (!current()) return;
        post(chat('stopTyping'), { message: '' }).catch(() => undefined);
        listener?.event?.('clientTypingStopped');
      }, TYPING_STOP_MS);
      return post(chat('startTyping'), { message: preview });
    },
    end: () => post(chat('disconnect')),
    isLost,
    stop(clear) {
      if (listener) listener.event?.('pollingStopped');
      timer.stop();
      clearTimeout(typingTimer);
      unwatch?.();
      unwatch = undefined;
      // Another tab may have started a new chat: only this one's cookies go.
      if (clear && current()) for (const name of Object.values(REST_COOKIES)) cookies.remove(name);
      chatId = undefined;
      keys = undefined;
      listener = undefined;
      down = false;
      serverOffline = false;
      offlineReplies = 0;
    },
    pausePolling(paused) {
      const changed = timer.pause(paused);
      if (changed) listener?.event?.(paused ? 'pollingStopped' : 'pollingStarted');
      return changed;
    },
    sleep: (asleep) => timer.sleep(asleep),
    resetPollExceptions() {
      offlineReplies = 0;
    },
    sendCustomNotice: (message, attributes) =>
      act(
        'customNotice',
        attributes ? { message, eventAttributes: JSON.stringify(attributes) } : { message },
      ),
    updateUserData(data) {
      const fields: Record<string, string> = {};
      for (const [key, value] of Object.entries(data)) {
        if (value !== undefined && value !== null)
          fields[`userData[${key}]`] = typeof value === 'string' ? value : JSON.stringify(value);
      }
      return act('updateData', fields);
    },
    async sendFile(file) {
      const reply = await sendOnce((idempotencyKey) => {
        const form = new FormData();
        form.append('file', file, file.name);
        form.append('idempotencyKey', idempotencyKey);
        return post(chat('file'), {}, form);
      });
      timer.activity();
      return reply;
    },
    getFileLimits: () => post(chat('file/limits')),
    async downloadFile(fileId) {
      // A form POST into a new tab: the keys travel in the body, never in a URL.
      const doc = win.document;
      const form = doc.createElement('form');
      form.method = 'POST';
      form.target = '_blank';
      form.action = `${base()}${chat(`file/${encodeURIComponent(fileId)}/download`)}`;
      for (const [name, value] of Object.entries(keys ?? {})) {
        const input = doc.createElement('input');
        input.type = 'hidden';
        input.name = name;
        input.value = value;
        form.appendChild(input);
      }
      doc.body.appendChild(form);
      try {
        form.submit();
      } finally {
        form.remove();
      }
      return {};
    },
  };
}
