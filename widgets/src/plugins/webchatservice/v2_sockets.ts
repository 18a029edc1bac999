/**
 * The `purecloud-v2-sockets` transport: REST to create and drive a guest conversation, a
 * WebSocket (`v2_stream.ts`) for its events. It owns the five
 * `webchat.state.purecloud-v2-sockets.*` cookies and reads v2 messages and members into the
 * normalised shapes; what the events mean is the session logic's business.
 */
import { isRecord } from '../../core/common';
import { saveDownload } from './download';
import { createRequest } from './http';
import type { Party } from './messages';
import { sendOnce } from './resend';
import type {
  ChatTransport,
  Received,
  StartRequest,
  TransportListener,
  TransportSession,
  TransportSetup,
} from './transport';
import { normalise, partyOf, type Member, type RawMessage } from './v2_messages';
import { createV2Stream } from './v2_stream';

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
const PAGE = 100;
const MIN_TIMEOUT_MS = 12000;
/** Registration form fields as v2 `customFields` name them. */
const FORM_FIELDS: Record<string, string> = {
  firstname: 'firstName',
  lastname: 'lastName',
  email: 'email',
  subject: 'subject',
};

interface V2Session {
  conversationId: string;
  memberId: string;
  jwt: string;
  eventStreamUri: string;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const number = (value: unknown, fallback: number): number =>
  typeof value === 'number' && value >= 0 ? value : fallback;

function entities<T>(value: unknown): T[] {
  if (Array.isArray(value)) return value as T[];
  return isRecord(value) && Array.isArray(value['entities']) ? (value['entities'] as T[]) : [];
}

export function createV2Transport(setup: TransportSetup): ChatTransport {
  const { cookies, option } = setup;
  let session: V2Session | undefined;
  let listener: TransportListener | undefined;
  const members = new Map<string, Member>();
  // Frames are read one after the other (member look-ups are asynchronous), so they reach the
  // listener in the order they came.
  let chain: Promise<void> = Promise.resolve();
  const serial = (job: () => Promise<void>): void => {
    chain = chain.then(job).catch(() => undefined);
  };

  const request = createRequest({
    http: setup.http,
    fetch: setup.fetch,
    // Genesys' own client never waits less than this for the guest chat API.
    timeout: Math.max(number(option('ajaxTimeout'), MIN_TIMEOUT_MS), MIN_TIMEOUT_MS),
    base: text(option('dataURL')).replace(/\/+$/, '') + API,
    headers: (): Record<string, string> =>
      session ? { Authorization: `Bearer ${session.jwt}` } : {},
  });
  const conversation = (): string => `/${encodeURIComponent(session!.conversationId)}`;
  const own = (): string => `${conversation()}/members/${encodeURIComponent(session!.memberId)}`;
  const member = (id: string): Promise<Member> =>
    request<Member>('GET', `${conversation()}/members/${encodeURIComponent(id)}`);
  const self = (): string => session?.memberId ?? '';
  const isLost = (error: unknown): boolean =>
    isRecord(error) && (error['status'] === 401 || error['status'] === 404);
  const current = (): boolean =>
    session !== undefined && cookies.get(V2_COOKIES.conversation) === session.conversationId;

  const memberOf = async (id: string): Promise<Member> => {
    const known = members.get(id);
    if (known) return known;
    let found: Member;
    try {
      found = await member(id);
    } catch {
      // Not a member (e.g. the server's own notices): an External party, asked for once.
      found = { id };
    }
    members.set(id, found);
    return found;
  };
  const partyFor = async (id: string): Promise<Party> => partyOf(await memberOf(id), self());

  const read = async (raws: RawMessage[]): Promise<Received[]> => {
    const found: Received[] = [];
    for (const raw of raws) {
      if (typeof raw.index !== 'number') continue;
      const sender = raw.sender?.id;
      found.push({
        message: normalise(raw, sender ? await memberOf(sender) : undefined, self()),
        original: raw,
      });
    }
    return found;
  };
  const page = async (query: string): Promise<RawMessage[]> =>
    entities<RawMessage>(
      await request('GET', `${conversation()}/messages?maxResults=${PAGE}${query}`),
    );
  const rawAfter = async (after: string | undefined): Promise<RawMessage[]> => {
    const found: RawMessage[] = [];
    let from = after;
    for (;;) {
      const batch = await page(
        `&sortOrder=ascending${from ? `&after=${encodeURIComponent(from)}` : ''}`,
      );
      found.push(...batch);
      const last = batch[batch.length - 1];
      if (batch.length < PAGE || !last || last.id === from) return found;
      from = last.id;
    }
  };
  /** The newest `count` messages before `before` (or of all), oldest first. */
  const rawBefore = async (before: string | undefined, count: number): Promise<RawMessage[]> => {
    const query =
      `?sortOrder=descending&maxResults=${Math.max(1, Math.min(count, PAGE))}` +
      (before ? `&before=${encodeURIComponent(before)}` : '');
    return entities<RawMessage>(
      await request('GET', `${conversation()}/messages${query}`),
    ).reverse();
  };

  const onFrame = async (type: string, body: Record<string, unknown>): Promise<void> => {
    if (!session || !listener) return;
    if (type === 'message') {
      const [received] = await read([body as RawMessage]);
      if (received) listener.pushed(received);
      return;
    }
    if (type === 'queue-position') {
      const position = body['position'];
      const wait = body['estimatedWaitSeconds'];
      if (typeof position === 'number' && typeof wait === 'number') {
        listener.queue({ position, estimatedWaitSeconds: wait });
      }
      return;
    }
    const sender = isRecord(body['sender']) ? text(body['sender']['id']) : '';
    if (type === 'typing-indicator' && sender && sender !== self())
      listener.typing(await partyFor(sender));
    if (type !== 'member-change') return;
    const changed = isRecord(body['member']) ? body['member'] : body;
    const id = text(changed['id']);
    const state = text(changed['state']);
    if (id === self()) {
      if (state === 'DISCONNECTED') listener.ended(true);
      return;
    }
    if (!id || !state) return;
    members.delete(id);
    listener.member(await partyFor(id), state !== 'DISCONNECTED');
  };

  let firstPage: number | undefined;
  const stream = createV2Stream(
    {
      reconnectInterval: number(option('socketReconnectInterval'), 2000),
      heartbeatInterval: number(option('socketHeartbeatTrackerInterval'), 14000),
      WebSocket: setup.WebSocket,
      network: setup.win,
    },
    {
      target: () => session && { url: session.eventStreamUri, jwt: session.jwt },
      current,
      async missed(first) {
        const me = await member(session!.memberId);
        if (me.state === 'DISCONNECTED') return 'ended';
        if (!first) return rawAfter(cookies.get(V2_COOKIES.last));
        return firstPage ? rawBefore(undefined, firstPage) : rawAfter(undefined);
      },
      caughtUp: (raws, first) =>
        serial(async () => {
          const received = await read(raws);
          listener?.caughtUp(received, first);
        }),
      frame: (type, body) => serial(() => onFrame(type, body)),
      disconnected: () => listener?.disconnected(),
      reconnected: () => listener?.reconnected(),
      ended: () => listener?.ended(false),
      lost: (error) => listener?.lost(error),
      isLost,
    },
  );

  const opened = (found: V2Session): TransportSession => ({
    self: found.memberId,
    data: {
      conversationId: found.conversationId,
      memberId: found.memberId,
      eventStreamUri: found.eventStreamUri,
    },
  });

  return {
    type: V2,
    async start(asked: StartRequest) {
      session = undefined;
      members.clear();
      const interaction = asked.interactionData;
      const customFields: Record<string, string> = { ...asked.userData };
      for (const [key, name] of Object.entries(FORM_FIELDS)) {
        if (asked.form[key]) customFields[name] = asked.form[key]!;
      }
      const body: Record<string, unknown> = {
        deploymentId: text(option('deploymentKey')),
        organizationId: text(option('orgGuid') ?? option('organizationId')),
        routingTarget: {
          targetType: 'QUEUE',
          ...(isRecord(interaction['routing']) ? interaction['routing'] : {}),
        },
        memberInfo: { displayName: asked.nickname, role: 'CUSTOMER', customFields },
      };
      if (isRecord(interaction['journey'])) body['journeyContext'] = interaction['journey'];
      const made = await request<Record<string, unknown>>('POST', '', body);
      const ownMember = made['member'];
      const memberId = isRecord(ownMember) ? ownMember['id'] : undefined;
      const { id, jwt, eventStreamUri } = made;
      if (
        typeof id !== 'string' ||
        typeof jwt !== 'string' ||
        typeof eventStreamUri !== 'string' ||
        typeof memberId !== 'string'
      ) {
        throw { status: 0, code: 'bad_response', message: 'Incomplete conversation response' };
      }
      session = { conversationId: id, memberId, jwt, eventStreamUri };
      cookies.set(V2_COOKIES.token, jwt);
      cookies.set(V2_COOKIES.conversation, id);
      cookies.set(V2_COOKIES.member, memberId);
      cookies.set(V2_COOKIES.socket, eventStreamUri);
      return opened(session);
    },
    stored() {
      const conversationId = cookies.get(V2_COOKIES.conversation);
      const memberId = cookies.get(V2_COOKIES.member);
      const jwt = cookies.get(V2_COOKIES.token);
      const eventStreamUri = cookies.get(V2_COOKIES.socket);
      if (conversationId !== session?.conversationId) members.clear();
      session =
        conversationId && memberId && jwt && eventStreamUri
          ? { conversationId, memberId, jwt, eventStreamUri }
          : undefined;
      return session && opened(session);
    },
    async verify() {
      const me = await member(session!.memberId);
      if (me.state !== 'CONNECTED')
        throw { status: 0, code: 'ended', message: `member ${me.state ?? ''}` };
      members.set(me.id, me);
    },
    connect(given, pageSize) {
      listener = given;
      firstPage = pageSize;
      stream.start();
    },
    messagesAfter: async (after) => read(await rawAfter(after)),
    history: async (before, count) => read(await rawBefore(before, count)),
    rememberLast(id) {
      if (current()) cookies.set(V2_COOKIES.last, id);
    },
    lastId: () => cookies.get(V2_COOKIES.last),
    current,
    async send(message) {
      const reply = await sendOnce((idempotencyKey) =>
        request<unknown>('POST', `${own()}/messages`, { body: message, idempotencyKey }),
      );
      if (isRecord(reply)) {
        serial(async () => {
          const [received] = await read([reply as RawMessage]);
          if (received) listener?.pushed(received);
        });
      }
      return reply;
    },
    // v2 has no typing preview and no "stopped" call.
    typing: () => request('POST', `${own()}/typing`),
    end: () => request('DELETE', own()),
    // Agents' files: fetched with the token header, saved as a download (`download.ts`).
    downloadFile: (fileId) =>
      saveDownload(
        setup.win,
        setup.fetch,
        `${text(option('dataURL')).replace(/\/+$/, '')}${API}${conversation()}/files/${encodeURIComponent(fileId)}`,
        session ? { Authorization: `Bearer ${session.jwt}` } : {},
      ),
    isLost,
    stop(clear) {
      stream.stop();
      // Another tab may have started a new conversation: only this one's cookies go.
      if (clear && current()) for (const name of Object.values(V2_COOKIES)) cookies.remove(name);
      session = undefined;
      listener = undefined;
    },
  };
}
