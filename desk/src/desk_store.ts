/**
 * The desk's state: lists, transcripts and presence, kept in step with the server.
 *
 * The REST reads are the truth; events only say what to merge or re-read. Messages are held by
 * index, so an event that arrives twice, or after the fetch that already brought it, changes nothing.
 */

import {
  acceptConversation,
  endConversation,
  getStatus,
  getTranscript,
  listConversations,
  listEnded,
  putStatus,
  sendMessage,
  type Agent,
  type Conversation,
  type Presence,
  type Status,
} from './api';
import type { Connection, DeskEvent } from './events';
import { contiguousIndex, firstVisitorText, mergeMembers, mergeMessages, type Thread } from './threads';

/** v2 visitors send "typing" but never "stopped": the indicator fades after this. */
const VISITOR_TYPING_MS = 6_000;
const REFRESH_DEBOUNCE_MS = 100;

export interface DeskState {
  presence: Presence | null;
  queue: string[];
  mine: string[];
  ended: string[];
  conversations: Record<string, Conversation>;
  threads: Record<string, Thread>;
  /** The last index the agent has had on screen, per conversation. */
  seen: Record<string, number>;
  selected: string | null;
  connection: Connection;
  notice: string;
}

const initialState: DeskState = {
  presence: null,
  queue: [],
  mine: [],
  ended: [],
  conversations: {},
  threads: {},
  seen: {},
  selected: null,
  connection: 'connecting',
  notice: '',
};

export class DeskStore {
  state: DeskState = initialState;
  private listeners = new Set<() => void>();
  private syncing = new Map<string, Promise<void>>();
  private again = new Set<string>();
  private refreshTimer: number | undefined;
  private typingTimer: number | undefined;
  private readonly seenKey: string;

  constructor(readonly agent: Agent) {
    this.seenKey = `frontdesk.desk.seen.${agent.id}`;
    try {
      const saved: unknown = JSON.parse(localStorage.getItem(this.seenKey) ?? '{}');
      if (saved && typeof saved === 'object') this.state = { ...this.state, seen: saved as Record<string, number> };
    } catch {
      // A damaged or blocked store only costs the unread counts.
    }
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(patch: Partial<DeskState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }

  private fail(caught: unknown, doing: string): void {
    const reason = caught instanceof Error ? caught.message : String(caught);
    this.set({ notice: `Could not ${doing}: ${reason}` });
  }

  dismissNotice(): void {
    this.set({ notice: '' });
  }

  /** Re-read status, lists and every transcript held (first load, reconnect, resync). */
  async refreshAll(): Promise<void> {
    await this.refreshLists();
    await Promise.all(Object.keys(this.state.threads).map((id) => this.syncThread(id)));
  }

  private scheduleRefresh(): void {
    window.clearTimeout(this.refreshTimer);
    this.refreshTimer = window.setTimeout(() => void this.refreshLists(), REFRESH_DEBOUNCE_MS);
  }

  async refreshLists(): Promise<void> {
    try {
      const [presence, open, ended] = await Promise.all([getStatus(), listConversations(), listEnded()]);
      const conversations = { ...this.state.conversations };
      for (const conversation of [...open.conversations, ...ended.conversations]) {
        conversations[conversation.id] = conversation;
      }
      const mine = open.conversations
        .filter((c) => c.state === 'active' && c.agent_id === this.agent.id)
        .map((c) => c.id);
      const queue = open.conversations.filter((c) => c.state === 'queued').map((c) => c.id);
      this.set({ presence, conversations, mine, queue, ended: ended.conversations.map((c) => c.id) });
      for (const id of [...mine, ...queue]) {
        const thread = this.state.threads[id];
        if (!thread || thread.lastIndex < (conversations[id]?.last_index ?? 0)) void this.syncThread(id);
      }
    } catch (caught) {
      this.fail(caught, 'load the conversations');
    }
  }

  /** Fetch what came after the last index held; one fetch per conversation at a time. */
  syncThread(id: string): Promise<void> {
    const running = this.syncing.get(id);
    if (running) {
      this.again.add(id);
      return running;
    }
    const run = this.fetchThread(id).finally(() => {
      this.syncing.delete(id);
      if (this.again.delete(id)) void this.syncThread(id);
    });
    this.syncing.set(id, run);
    return run;
  }

  private async fetchThread(id: string): Promise<void> {
    const held = this.state.threads[id];
    try {
      const reply = await getTranscript(id, held?.lastIndex ?? 0);
      const current = this.state.threads[id];
      const messages = mergeMessages(current?.messages ?? [], reply.messages);
      const thread: Thread = {
        conversation: reply.conversation,
        members: mergeMembers(current?.members ?? [], reply.members),
        messages,
        lastIndex: contiguousIndex(messages),
        visitorTypingUntil: current?.visitorTypingUntil ?? 0,
      };
      this.set({
        threads: { ...this.state.threads, [id]: thread },
        conversations: { ...this.state.conversations, [id]: reply.conversation },
      });
      this.markSeen();
    } catch (caught) {
      this.fail(caught, 'load the conversation');
    }
  }

  /**
   * Re-read the queued conversations' transcripts: the server sends no event for a message in a
   * conversation nobody has accepted, and the queue shows each visitor's first words.
   */
  pollQueue(): void {
    for (const id of this.state.queue) {
      if (!firstVisitorText(this.state.threads[id])) void this.syncThread(id);
    }
  }

  select(id: string | null): void {
    this.set({ selected: id });
    if (id) void this.syncThread(id);
    this.markSeen();
  }

  /** The selected conversation's messages count as read while it is on screen. */
  private markSeen(): void {
    const id = this.state.selected;
    if (!id || document.visibilityState === 'hidden') return;
    const thread = this.state.threads[id];
    if (!thread || (this.state.seen[id] ?? 0) >= thread.lastIndex) return;
    const seen = { ...this.state.seen, [id]: thread.lastIndex };
    this.set({ seen });
    try {
      localStorage.setItem(this.seenKey, JSON.stringify(seen));
    } catch {
      // Storage full or blocked: counts reset on reload, nothing else.
    }
  }

  visibilityChanged(): void {
    this.markSeen();
  }

  setConnection(connection: Connection): void {
    this.set({ connection });
  }

  handle(event: DeskEvent): void {
    switch (event.type) {
      case 'ready':
      case 'resync':
        void this.refreshAll();
        return;
      case 'queue':
      case 'conversation': {
        this.scheduleRefresh();
        const thread = this.state.threads[event.conversation_id];
        const stale = thread && (thread.lastIndex < event.last_index || thread.conversation.state !== event.state);
        if (stale) void this.syncThread(event.conversation_id);
        return;
      }
      case 'agent-status':
        if (event.agent_id === this.agent.id && this.state.presence) {
          this.set({ presence: { ...this.state.presence, status: event.status } });
        }
        return;
      case 'message':
        this.receiveMessage(event);
        return;
      case 'member': {
        const thread = this.state.threads[event.conversation_id];
        if (!thread) {
          void this.syncThread(event.conversation_id);
          return;
        }
        this.putThread({ ...thread, members: mergeMembers(thread.members, [event.member]) });
        if (thread.lastIndex < event.last_index) void this.syncThread(event.conversation_id);
        return;
      }
      case 'typing': {
        const thread = this.state.threads[event.conversation_id];
        if (!thread || event.member.role !== 'CUSTOMER') return;
        this.putThread({ ...thread, visitorTypingUntil: event.typing ? Date.now() + VISITOR_TYPING_MS : 0 });
        this.scheduleTypingExpiry();
        return;
      }
      default:
        return;
    }
  }

  private receiveMessage(event: Extract<DeskEvent, { type: 'message' }>): void {
    const id = event.conversation_id;
    const thread = this.state.threads[id];
    if (!thread) {
      void this.syncThread(id);
      return;
    }
    if (thread.messages.some((m) => m.index === event.index)) return;
    const messages = mergeMessages(thread.messages, [event.message]);
    const fromVisitor = event.message.member?.role === 'CUSTOMER';
    this.putThread({
      ...thread,
      messages,
      lastIndex: contiguousIndex(messages),
      visitorTypingUntil: fromVisitor ? 0 : thread.visitorTypingUntil,
    });
    // A gap below this index means events were lost: re-read from the last index held.
    if (event.index !== thread.lastIndex + 1) void this.syncThread(id);
    this.markSeen();
  }

  private putThread(thread: Thread): void {
    this.set({ threads: { ...this.state.threads, [thread.conversation.id]: thread } });
  }

  private scheduleTypingExpiry(): void {
    window.clearTimeout(this.typingTimer);
    const next = Math.min(
      ...Object.values(this.state.threads)
        .map((t) => t.visitorTypingUntil)
        .filter((until) => until > 0),
    );
    if (!Number.isFinite(next)) return;
    this.typingTimer = window.setTimeout(() => {
      const now = Date.now();
      const threads = { ...this.state.threads };
      for (const [id, thread] of Object.entries(threads)) {
        if (thread.visitorTypingUntil > 0 && thread.visitorTypingUntil <= now) {
          threads[id] = { ...thread, visitorTypingUntil: 0 };
        }
      }
      this.set({ threads });
      this.scheduleTypingExpiry();
    }, Math.max(0, next - Date.now()) + 50);
  }

  async setStatus(status: Status): Promise<void> {
    try {
      this.set({ presence: await putStatus(status) });
      await this.refreshLists();
    } catch (caught) {
      this.fail(caught, 'change your status');
    }
  }

  async accept(id: string): Promise<void> {
    try {
      await acceptConversation(id);
      await this.refreshLists();
      this.select(id);
    } catch (caught) {
      this.fail(caught, 'accept the chat');
      await this.refreshLists();
    }
  }

  /** Send a reply; true when the server stored it. */
  async send(id: string, text: string): Promise<boolean> {
    try {
      const { message } = await sendMessage(id, text);
      this.receiveMessage({ type: 'message', conversation_id: id, index: message.index, message });
      return true;
    } catch (caught) {
      this.fail(caught, 'send the message');
      return false;
    }
  }

  async end(id: string): Promise<void> {
    try {
      await endConversation(id);
      await this.syncThread(id);
      await this.refreshLists();
    } catch (caught) {
      this.fail(caught, 'end the chat');
    }
  }

  dispose(): void {
    window.clearTimeout(this.refreshTimer);
    window.clearTimeout(this.typingTimer);
    this.listeners.clear();
  }
}
