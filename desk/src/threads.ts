/** Pure helpers over transcripts: merge by index, count unread, who is typing. */

import type { Conversation, Member, Message } from './api';

export interface Thread {
  conversation: Conversation;
  members: Member[];
  /** Sorted by index, no duplicates. */
  messages: Message[];
  /** The highest index held without a gap below it. */
  lastIndex: number;
  /** Until when (epoch ms) the visitor counts as typing; 0 when not. */
  visitorTypingUntil: number;
}

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

/** Visitor text messages after the index the agent has seen. */
export function unreadCount(thread: Thread | undefined, seenIndex: number): number {
  if (!thread) return 0;
  return thread.messages.filter(
    (message) => message.index > seenIndex && message.kind === 'text' && message.member?.role === 'CUSTOMER',
  ).length;
}

export function visitorName(conversation: Conversation): string {
  const name = `${conversation.visitor.first_name} ${conversation.visitor.last_name}`.trim();
  return name || 'Visitor';
}

/** The first thing the visitor said, for list previews. */
export function firstVisitorText(thread: Thread | undefined): string {
  return thread?.messages.find((m) => m.kind === 'text' && m.member?.role === 'CUSTOMER')?.text ?? '';
}
