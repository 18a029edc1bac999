/** Pure helpers over transcripts: merge by index, count unread, who is typing, previews. */

import type { Conversation, Member, MemberRef, Message, Preview } from './api';

/** Someone typing in a conversation, until when (epoch ms) it still counts. */
export interface Typist {
  name: string;
  role: MemberRef['role'];
  until: number;
  /** The visitor's unsent text (plain text, never markup), or ''. */
  preview: string;
}

export interface Thread {
  conversation: Conversation;
  members: Member[];
  /** Sorted by index, no duplicates. */
  messages: Message[];
  /** The highest index held without a gap below it. */
  lastIndex: number;
  /** Who is typing, by member id. */
  typing: Record<string, Typist>;
}

/** v2 visitors send "typing" but never "stopped": their indicator fades after this. */
export const VISITOR_TYPING_MS = 6_000;
/** Agents say when they stop; this only guards against a "stopped" that never came. */
export const AGENT_TYPING_MS = 30_000;
/** Lists show this much of a message, as the server's previews do. */
export const PREVIEW_LENGTH = 200;

/** Messages from both lists, each index once (the newer copy wins), in index order. */
export function mergeMessages(held: readonly Message[], incoming: readonly Message[]): Message[] {
  const byIndex = new Map<number, Message>();
  for (const message of held) byIndex.set(message.index, message);
  for (const message of incoming) byIndex.set(message.index, message);
  return [...byIndex.values()].sort((a, b) => a.index - b.index);
}

/** The highest index reachable from 1 without a gap. */
export function contiguousIndex(messages: readonly Message[]): number {
  let last = 0;
  for (const message of messages) {
    if (message.index !== last + 1) break;
    last = message.index;
  }
  return last;
}

export function mergeMembers(held: readonly Member[], incoming: readonly Member[]): Member[] {
  const byId = new Map<string, Member>();
  for (const member of held) byId.set(member.id, member);
  for (const member of incoming) byId.set(member.id, member);
  return [...byId.values()];
}

/** A thread with one more message; its sender stops typing. */
export function withMessage(thread: Thread, message: Message): Thread {
  const messages = mergeMessages(thread.messages, [message]);
  const typing = { ...thread.typing };
  if (message.member) delete typing[message.member.id];
  return { ...thread, messages, lastIndex: contiguousIndex(messages), typing };
}

/** A thread where `member` started (until a timeout) or stopped typing; each typing event
 * replaces the preview, so stopping, or typing with an emptied box, clears it. */
export function withTyping(
  thread: Thread,
  member: MemberRef,
  typing: boolean,
  now: number,
  preview = '',
): Thread {
  const next = { ...thread.typing };
  if (typing) {
    const lasts = member.role === 'CUSTOMER' ? VISITOR_TYPING_MS : AGENT_TYPING_MS;
    next[member.id] = {
      name: member.display_name || 'Someone',
      role: member.role,
      until: now + lasts,
      preview,
    };
  } else {
    delete next[member.id];
  }
  return { ...thread, typing: next };
}

/** The names of those typing at `now`, visitor first. */
export function typingNames(thread: Thread | undefined, now: number): string[] {
  if (!thread) return [];
  return Object.values(thread.typing)
    .filter((typist) => typist.until > now)
    .sort((a, b) => Number(b.role === 'CUSTOMER') - Number(a.role === 'CUSTOMER'))
    .map((typist) => typist.name);
}

/** The visitor's unsent text while they type (the server sends it only to agents), or ''. */
export function typingPreview(thread: Thread | undefined, now: number): string {
  if (!thread) return '';
  const typist = Object.values(thread.typing).find(
    (t) => t.role === 'CUSTOMER' && t.until > now && t.preview,
  );
  return typist?.preview ?? '';
}

/** "Vic is typing…", "Vic and Ada are typing…", or nothing. */
export function typingLine(names: readonly string[]): string {
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]} are typing…`;
}

/** The thread without lapsed typists (the same object when none lapsed). */
export function expireTyping(thread: Thread, now: number): Thread {
  const kept = Object.entries(thread.typing).filter(([, typist]) => typist.until > now);
  if (kept.length === Object.keys(thread.typing).length) return thread;
  return { ...thread, typing: Object.fromEntries(kept) };
}

/** When the next typing indicator lapses, or Infinity. */
export function nextTypingExpiry(threads: Iterable<Thread>): number {
  let next = Infinity;
  for (const thread of threads) {
    for (const typist of Object.values(thread.typing)) next = Math.min(next, typist.until);
  }
  return next;
}

/** Visitor text messages after the index the agent has seen. */
export function unreadCount(thread: Thread | undefined, seenIndex: number): number {
  if (!thread) return 0;
  return thread.messages.filter(
    (message) =>
      message.index > seenIndex && message.kind === 'text' && message.member?.role === 'CUSTOMER',
  ).length;
}

export function visitorName(conversation: Conversation): string {
  const name = `${conversation.visitor.first_name} ${conversation.visitor.last_name}`.trim();
  return name || 'Visitor';
}

/** The preview a message makes, or null for messages lists do not preview. */
export function previewOf(message: Message): Preview | null {
  if (message.kind !== 'text' && message.kind !== 'file') return null;
  return {
    index: message.index,
    kind: message.kind,
    text: message.text.slice(0, PREVIEW_LENGTH),
    member: message.member,
    created_at: message.created_at,
  };
}

/** The newer of two previews (a late list answer must not undo a newer event). */
export function newerPreview(
  held: Preview | null | undefined,
  incoming: Preview | null | undefined,
): Preview | null {
  if (!held) return incoming ?? null;
  if (!incoming) return held;
  // The same index is the same message: keeping the held one keeps the state unchanged.
  return incoming.index > held.index ? incoming : held;
}

/** The connected agent's name in a conversation, for "only Ada can reply". */
export function assignedAgentName(thread: Thread | undefined): string {
  const agent = thread?.members.find((m) => m.role === 'AGENT' && m.state === 'CONNECTED');
  return agent?.display_name ?? '';
}
