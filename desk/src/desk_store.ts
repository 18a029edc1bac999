/**
 * The desk's state kept in step with the server: it reads, writes and applies events through the
 * pure functions of `desk_state.ts`, and runs the fetches they ask for.
 */

import {
  acceptConversation,
  ApiError,
  downloadFile,
  endConversation,
  getFileLimits,
  getStatus,
  getTranscript,
  listActive,
  listConversations,
  listEnded,
  putStatus,
  sendMessage,
  uploadFile,
  type Agent,
  type Message,
  type Status,
} from './api';
import {
  appendEnded,
  applyEvent,
  applyLists,
  applyMessage,
  applyTranscript,
  expireAllTyping,
  initialState,
  threadsToSync,
  type DeskState,
  type Effect,
} from './desk_state';
import type { Connection, DeskEvent } from './events';
import { fileProblem } from './files';
import { nextTypingExpiry } from './threads';

const REFRESH_DEBOUNCE_MS = 100;
/** A download's object URL lives this long: enough for the browser to start saving it. */
const DOWNLOAD_URL_MS = 60_000;

export const supervises = (agent: Agent): boolean =>
  agent.role === 'supervisor' || agent.role === 'admin';

export class DeskStore {
  state: DeskState = initialState;
  private listeners = new Set<() => void>();
  private syncing = new Map<string, Promise<void>>();
  private again = new Set<string>();
  private refreshTimer: number | undefined;
  private typingTimer: number | undefined;
  private readonly seenKey: string;
  /** Supervisors and admins also see, read-only, every other agent's live chats. */
  readonly supervising: boolean;

  constructor(readonly agent: Agent) {
    this.seenKey = `frontdesk.desk.seen.${agent.id}`;
    this.supervising = supervises(agent);
    try {
      const saved: unknown = JSON.parse(localStorage.getItem(this.seenKey) ?? '{}');
      if (saved && typeof saved === 'object')
        this.state = { ...this.state, seen: saved as Record<string, number> };
    } catch {
      // A damaged or blocked store only costs the unread counts.
    }
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(patch: Partial<DeskState>): void {
    this.replace({ ...this.state, ...patch });
  }

  private replace(state: DeskState): void {
    if (state === this.state) return;
    this.state = state;
    for (const listener of this.listeners) listener();
  }

  private run(effects: readonly Effect[]): void {
    for (const effect of effects) {
      if (effect.kind === 'refresh-all') void this.refreshAll();
      else if (effect.kind === 'refresh-lists') this.scheduleRefresh();
      else if (effect.kind === 'sync') void this.syncThread(effect.id);
      else this.scheduleTypingExpiry();
    }
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
    if (!this.state.fileLimits) void this.loadFileLimits();
    await this.refreshLists();
    await Promise.all(Object.keys(this.state.threads).map((id) => this.syncThread(id)));
  }

  private scheduleRefresh(): void {
    window.clearTimeout(this.refreshTimer);
    this.refreshTimer = window.setTimeout(() => void this.refreshLists(), REFRESH_DEBOUNCE_MS);
  }

  async refreshLists(): Promise<void> {
    try {
      const [presence, open, ended, active] = await Promise.all([
        getStatus(),
        listConversations(),
        listEnded(),
        this.supervising ? listActive() : Promise.resolve(null),
      ]);
      this.replace(
        applyLists(
          this.state,
          { presence, open: open.conversations, ended, active: active?.conversations ?? null },
          this.agent.id,
        ),
      );
      for (const id of threadsToSync(this.state)) void this.syncThread(id);
    } catch (caught) {
      this.fail(caught, 'load the conversations');
    }
  }

  /** The next page of ended conversations. */
  async loadMoreEnded(): Promise<void> {
    if (!this.state.endedNext) return;
    try {
      this.replace(appendEnded(this.state, await listEnded(this.state.endedNext)));
    } catch (caught) {
      this.fail(caught, 'load more past chats');
    }
  }

  private async loadFileLimits(): Promise<void> {
    try {
      this.set({ fileLimits: await getFileLimits() });
    } catch {
      // Without limits the server still checks every upload; only the hint is missing.
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
    try {
      const reply = await getTranscript(id, this.state.threads[id]?.lastIndex ?? 0);
      this.replace(applyTranscript(this.state, reply));
      this.markSeen();
    } catch (caught) {
      this.fail(caught, 'load the conversation');
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
    const change = applyEvent(this.state, event, this.agent.id, Date.now());
    this.replace(change.state);
    this.run(change.effects);
    if (event.type === 'message') this.markSeen();
  }

  private receive(id: string, message: Message): void {
    const change = applyMessage(this.state, id, message);
    this.replace(change.state);
    this.run(change.effects);
    this.markSeen();
  }

  private scheduleTypingExpiry(): void {
    window.clearTimeout(this.typingTimer);
    const next = nextTypingExpiry(Object.values(this.state.threads));
    if (!Number.isFinite(next)) return;
    this.typingTimer = window.setTimeout(
      () => {
        this.replace(expireAllTyping(this.state, Date.now()));
        this.scheduleTypingExpiry();
      },
      Math.max(0, next - Date.now()) + 50,
    );
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
      this.receive(id, message);
      return true;
    } catch (caught) {
      this.fail(caught, 'send the message');
      return false;
    }
  }

  /** Share a file; the reason it was refused, or null when the server stored it. */
  async sendFile(id: string, file: File): Promise<string | null> {
    const problem = fileProblem(file, this.state.fileLimits);
    if (problem) return problem;
    try {
      const { message } = await uploadFile(id, file);
      this.receive(id, message);
      return null;
    } catch (caught) {
      const reason =
        caught instanceof ApiError ? caught.message : 'the server could not be reached.';
      return `Could not send ${file.name}: ${reason}`;
    }
  }

  /** Save a shared file; a deleted or missing one shows the server's reason instead. */
  async download(fileId: string, name: string): Promise<void> {
    try {
      const url = URL.createObjectURL(await downloadFile(fileId));
      const link = document.createElement('a');
      link.href = url;
      link.download = name;
      document.body.append(link);
      link.click();
      link.remove();
      window.setTimeout(() => URL.revokeObjectURL(url), DOWNLOAD_URL_MS);
    } catch (caught) {
      this.fail(caught, `download ${name}`);
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
