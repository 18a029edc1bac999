/**
 * The desk's state and the pure functions that change it: list answers, transcripts and events in,
 * a new state and the fetches it still needs out. `DeskStore` does the fetching.
 *
 * The REST reads are the truth; events say what to merge or re-read. Messages are held by index,
 * so an event that arrives twice, or after the fetch that already brought it, changes nothing.
 */

import type { Conversation, EndedPage, FileLimits, Presence, Preview, Transcript } from './api';
import type { Connection, DeskEvent } from './events';
import {
  contiguousIndex,
  expireTyping,
  mergeMembers,
  mergeMessages,
  newerPreview,
  previewOf,
  withMessage,
  withTyping,
  type Thread,
} from './threads';

export interface DeskState {
  presence: Presence | null;
  queue: string[];
  mine: string[];
  /** Other agents' active conversations (supervisors and admins only). */
  team: string[];
  ended: string[];
  /** Where the next page of ended conversations starts; null when all are loaded. */
  endedNext: string | null;
  conversations: Record<string, Conversation>;
  /** Each conversation's newest text or file, for the lists. */
  previews: Record<string, Preview>;
  threads: Record<string, Thread>;
  /** The last index the agent has had on screen, per conversation. */
  seen: Record<string, number>;
  selected: string | null;
  connection: Connection;
  notice: string;
  fileLimits: FileLimits | null;
}

export const initialState: DeskState = {
  presence: null,
  queue: [],
  mine: [],
  team: [],
  ended: [],
  endedNext: null,
  conversations: {},
  previews: {},
  threads: {},
  seen: {},
  selected: null,
  connection: 'connecting',
  notice: '',
  fileLimits: null,
};

/** What the store must still do after a change: re-read lists or everything, or one transcript. */
export type Effect =
  | { kind: 'refresh-all' }
  | { kind: 'refresh-lists' }
  | { kind: 'sync'; id: string }
  | { kind: 'typing-timer' };

export interface Change {
  state: DeskState;
  effects: Effect[];
}

/** What one refresh read: status, own and queued chats, the first ended page, and (supervisors) all active. */
export interface Lists {
  presence: Presence;
  open: Conversation[];
  ended: EndedPage;
  active: Conversation[] | null;
}

function withConversations(state: DeskState, conversations: readonly Conversation[]): DeskState {
  const byId = { ...state.conversations };
  const previews = { ...state.previews };
  for (const conversation of conversations) {
    byId[conversation.id] = conversation;
    const preview = newerPreview(previews[conversation.id], conversation.preview);
    if (preview) previews[conversation.id] = preview;
  }
  return { ...state, conversations: byId, previews };
}

/**
 * The ended list after re-reading its first page: the pages loaded before stay when the new first
 * page reaches into them; when it does not (more chats ended meanwhile than a page holds), the
 * list starts again from the new first page rather than show a gap.
 */
export function mergeEnded(
  held: readonly string[],
  heldNext: string | null,
  page: EndedPage,
): { ended: string[]; endedNext: string | null } {
  const first = page.conversations.map((c) => c.id);
  if (page.next_before === null) return { ended: first, endedNext: null };
  const last = first[first.length - 1];
  const overlaps = last !== undefined && held.includes(last);
  if (!overlaps || held.length <= first.length)
    return { ended: first, endedNext: page.next_before };
  const fresh = new Set(first);
  return { ended: [...first, ...held.filter((id) => !fresh.has(id))], endedNext: heldNext };
}

export function applyLists(state: DeskState, lists: Lists, me: number): DeskState {
  const next = withConversations(state, [
    ...lists.open,
    ...lists.ended.conversations,
    ...(lists.active ?? []),
  ]);
  return {
    ...next,
    presence: lists.presence,
    mine: lists.open.filter((c) => c.state === 'active' && c.agent_id === me).map((c) => c.id),
    queue: lists.open.filter((c) => c.state === 'queued').map((c) => c.id),
    team: (lists.active ?? []).filter((c) => c.agent_id !== me).map((c) => c.id),
    ...mergeEnded(state.ended, state.endedNext, lists.ended),
  };
}

/** The ended list with one more (older) page. */
export function appendEnded(state: DeskState, page: EndedPage): DeskState {
  const next = withConversations(state, page.conversations);
  const held = new Set(state.ended);
  return {
    ...next,
    ended: [...state.ended, ...page.conversations.map((c) => c.id).filter((id) => !held.has(id))],
    endedNext: page.next_before,
  };
}

/** Threads to (re-)read after the lists changed: own chats not held, and held ones behind. */
export function threadsToSync(state: DeskState): string[] {
  const ids = new Set(state.mine.filter((id) => !state.threads[id]));
  for (const [id, thread] of Object.entries(state.threads)) {
    const conversation = state.conversations[id];
    if (
      conversation &&
      (thread.lastIndex < conversation.last_index ||
        thread.conversation.state !== conversation.state)
    ) {
      ids.add(id);
    }
  }
  return [...ids];
}

/** A transcript page merged into the thread held (if any). */
export function applyTranscript(state: DeskState, reply: Transcript): DeskState {
  const id = reply.conversation.id;
  const current = state.threads[id];
  const messages = mergeMessages(current?.messages ?? [], reply.messages);
  const thread: Thread = {
    conversation: reply.conversation,
    members: mergeMembers(current?.members ?? [], reply.members),
    messages,
    lastIndex: contiguousIndex(messages),
    typing: current?.typing ?? {},
  };
  const latest =
    [...reply.messages]
      .reverse()
      .map(previewOf)
      .find((p) => p !== null) ?? null;
  const next = withConversations({ ...state, threads: { ...state.threads, [id]: thread } }, [
    reply.conversation,
  ]);
  const preview = newerPreview(next.previews[id], latest);
  return preview && preview !== next.previews[id]
    ? { ...next, previews: { ...next.previews, [id]: preview } }
    : next;
}

function putThread(state: DeskState, thread: Thread): DeskState {
  return { ...state, threads: { ...state.threads, [thread.conversation.id]: thread } };
}

/** Apply one event from the stream; `me` is the signed-in agent's id. */
export function applyEvent(state: DeskState, event: DeskEvent, me: number, now: number): Change {
  switch (event.type) {
    case 'ready':
    case 'resync':
      return { state, effects: [{ kind: 'refresh-all' }] };
    case 'queue':
    case 'conversation': {
      const thread = state.threads[event.conversation_id];
      const stale =
        thread &&
        (thread.lastIndex < event.last_index || thread.conversation.state !== event.state);
      const effects: Effect[] = [{ kind: 'refresh-lists' }];
      if (stale) effects.push({ kind: 'sync', id: event.conversation_id });
      return { state, effects };
    }
    case 'agent-status':
      if (event.agent_id !== me || !state.presence) return { state, effects: [] };
      return {
        state: { ...state, presence: { ...state.presence, status: event.status } },
        effects: [],
      };
    case 'message':
      return applyMessage(state, event.conversation_id, event.message);
    case 'member': {
      const thread = state.threads[event.conversation_id];
      if (!thread) {
        const own = state.mine.includes(event.conversation_id);
        return { state, effects: own ? [{ kind: 'sync', id: event.conversation_id }] : [] };
      }
      const next = putThread(state, {
        ...thread,
        members: mergeMembers(thread.members, [event.member]),
      });
      return {
        state: next,
        effects:
          thread.lastIndex < event.last_index ? [{ kind: 'sync', id: event.conversation_id }] : [],
      };
    }
    case 'typing': {
      const thread = state.threads[event.conversation_id];
      // Your own typing comes back to you: it is not news.
      if (!thread || (event.member.agent_id !== null && event.member.agent_id === me))
        return { state, effects: [] };
      const next = putThread(
        state,
        expireTyping(withTyping(thread, event.member, event.typing, now, event.preview ?? ''), now),
      );
      return { state: next, effects: [{ kind: 'typing-timer' }] };
    }
    default:
      return { state, effects: [] };
  }
}

/** A message from an event or from the reply to a send. */
export function applyMessage(
  state: DeskState,
  id: string,
  message: Transcript['messages'][number],
): Change {
  const preview = newerPreview(state.previews[id], previewOf(message));
  const next =
    preview && preview !== state.previews[id]
      ? { ...state, previews: { ...state.previews, [id]: preview } }
      : state;
  const thread = next.threads[id];
  if (!thread) {
    // Queued and watched conversations need only their preview; own chats need the messages.
    return { state: next, effects: next.mine.includes(id) ? [{ kind: 'sync', id }] : [] };
  }
  if (thread.messages.some((m) => m.index === message.index)) return { state: next, effects: [] };
  const updated = withMessage(thread, message);
  // A gap below this index means events were lost: re-read from the last index held.
  const effects: Effect[] = message.index !== thread.lastIndex + 1 ? [{ kind: 'sync', id }] : [];
  return { state: putThread(next, updated), effects };
}

/** Every thread without its lapsed typists (the same state when none lapsed). */
export function expireAllTyping(state: DeskState, now: number): DeskState {
  let threads: Record<string, Thread> | null = null;
  for (const [id, thread] of Object.entries(state.threads)) {
    const kept = expireTyping(thread, now);
    if (kept !== thread) {
      threads = threads ?? { ...state.threads };
      threads[id] = kept;
    }
  }
  return threads ? { ...state, threads } : state;
}
