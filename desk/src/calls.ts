/**
 * Calls at the desk: a call the phone system redeemed pops up on every desk (the phone system,
 * not Frontdesk, decides who answers); the agent who answers takes it and keeps the pop, the
 * others' pops close. The REST reads are the truth: events only say which call to re-read.
 */

import { ApiError } from './api';
import type { DeskEvent } from './events';

export type CallState = 'waiting' | 'expired' | 'redeemed' | 'taken';

export interface Page {
  url: string;
  title: string;
  at: string;
}

export interface Call {
  id: string;
  state: CallState;
  queue: string;
  language: string;
  number: string;
  caller_id: string;
  origin: string;
  visitor: { name: string; phone_number: string; email: string };
  form: Record<string, string>;
  user_data: Record<string, unknown>;
  pages: Page[];
  referrer: string;
  browser: string;
  created_at: string;
  redeemed_at: string | null;
  taken_at: string | null;
  agent_id: number | null;
}

export interface HistoryItem {
  kind: 'chat' | 'call';
  id: string;
  state: string;
  at: string;
  summary: string;
  agent_id: number | null;
}

export interface CallPop {
  call: Call;
  history: HistoryItem[] | null;
  busy: boolean;
  error: string;
}

async function request<T>(method: string, path: string): Promise<T> {
  const response = await fetch(path, { method, credentials: 'same-origin' });
  const payload: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const error = (payload as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(
      error?.code ?? 'http_error',
      error?.message ?? response.statusText,
      response.status,
    );
  }
  return payload as T;
}

const callPath = (id: string): string => `/api/agent/calls/${encodeURIComponent(id)}`;

export const listWaitingCalls = (): Promise<{ calls: Call[] }> =>
  request('GET', '/api/agent/calls');
export const getCall = (id: string): Promise<{ call: Call }> => request('GET', callPath(id));
export const takeCall = (id: string): Promise<{ call: Call }> =>
  request('POST', `${callPath(id)}/take`);
export const callHistory = (id: string): Promise<{ history: HistoryItem[] }> =>
  request('GET', `${callPath(id)}/history`);
export const chatHistory = (id: string): Promise<{ history: HistoryItem[] }> =>
  request('GET', `/api/agent/conversations/${encodeURIComponent(id)}/history`);

export class CallStore {
  pops: CallPop[] = [];
  private listeners = new Set<() => void>();
  /** Calls this agent closed: a re-read of the waiting list must not bring them back. */
  private dismissed = new Set<string>();

  constructor(readonly agentId: number) {}

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }

  private put(call: Call, patch: Partial<CallPop> = {}): void {
    const known = this.pops.find((pop) => pop.call.id === call.id);
    const pop: CallPop = { history: null, busy: false, error: '', ...known, ...patch, call };
    this.pops = known
      ? this.pops.map((p) => (p.call.id === call.id ? pop : p))
      : [...this.pops, pop];
    this.changed();
  }

  private drop(id: string): void {
    this.pops = this.pops.filter((pop) => pop.call.id !== id);
    this.changed();
  }

  /** Whether a call belongs on this desk: waiting for anyone, or taken by this agent. */
  private shown(call: Call): boolean {
    return (
      !this.dismissed.has(call.id) &&
      (call.state === 'redeemed' || (call.state === 'taken' && call.agent_id === this.agentId))
    );
  }

  handle(event: DeskEvent): void {
    if (event.type === 'ready' || event.type === 'resync') void this.refresh();
    if (event.type === 'call') void this.reread(event.call_id);
  }

  /** Re-read the waiting calls (first load, reconnect, lost events). */
  async refresh(): Promise<void> {
    try {
      const { calls } = await listWaitingCalls();
      const waiting = new Set(calls.map((call) => call.id));
      for (const pop of this.pops) {
        if (pop.call.state === 'redeemed' && !waiting.has(pop.call.id))
          void this.reread(pop.call.id);
      }
      for (const call of calls) if (this.shown(call)) this.show(call);
    } catch {
      // The next event or reconnect re-reads; the chat side of the desk reports outages.
    }
  }

  private show(call: Call): void {
    const known = this.pops.some((pop) => pop.call.id === call.id);
    this.put(call);
    if (!known) {
      callHistory(call.id).then(
        ({ history }) => {
          const pop = this.pops.find((p) => p.call.id === call.id);
          if (pop) this.put(pop.call, { history });
        },
        () => undefined,
      );
    }
  }

  private async reread(id: string): Promise<void> {
    try {
      const { call } = await getCall(id);
      if (this.shown(call)) this.show(call);
      else this.drop(id);
    } catch {
      this.drop(id);
    }
  }

  async take(id: string): Promise<void> {
    const pop = this.pops.find((p) => p.call.id === id);
    if (!pop) return;
    this.put(pop.call, { busy: true, error: '' });
    try {
      const { call } = await takeCall(id);
      this.put(call, { busy: false });
    } catch (caught) {
      const message =
        caught instanceof ApiError && caught.status === 409
          ? 'Another agent took this call.'
          : `Could not take the call: ${String(caught)}`;
      this.put(pop.call, { busy: false, error: message });
    }
  }

  dismiss(id: string): void {
    this.dismissed.add(id);
    this.drop(id);
  }
}
