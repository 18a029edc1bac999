/** What the two REST chat transports (REST polling and `pureengage-v3-rest`) share. */
import { isRecord } from '../../core/common';
import type { HttpRequest } from '../../core/http';
import type { QueueStatus, TransportSetup } from './transport';

/**
 * One call with `common.http`, asking for JSON; answers the parsed reply. A failure is an
 * `HttpError` that keeps the server's answer, since both protocols put facts the client acts on
 * (`statusCode`, `chatEnded`, `status.code`) beside the error envelope.
 */
export const httpCall = async (setup: TransportSetup, call: HttpRequest): Promise<unknown> =>
  (
    await setup.http(setup.fetch, {
      ...call,
      headers: { Accept: 'application/json', ...call.headers },
    })
  ).data;

export const text = (value: unknown): string => (typeof value === 'string' ? value : '');
export const number = (value: unknown, fallback: number): number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
export const clamp = (value: number, low: number, high: number): number =>
  Math.min(Math.max(value, low), high);

/**
 * The `queuePosition` both REST APIs add to an answer while the chat waits for an agent (a
 * Frontdesk extension: a Genesys server sends none, and then nothing is shown).
 */
export function queueStatus(value: unknown): QueueStatus | undefined {
  if (!isRecord(value)) return undefined;
  const position = value['position'];
  const wait = value['estimatedWaitSeconds'];
  const counts = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0;
  return counts(position) && position >= 1 && counts(wait)
    ? { position, estimatedWaitSeconds: wait }
    : undefined;
}

/** Listen to the browser's `offline` / `online` announcements; returns the way to stop. */
export function watchNetwork(win: Window, offline: () => void, online: () => void): () => void {
  win.addEventListener('offline', offline);
  win.addEventListener('online', online);
  return () => {
    win.removeEventListener('offline', offline);
    win.removeEventListener('online', online);
  };
}
