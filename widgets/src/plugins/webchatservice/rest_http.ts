/**
 * One HTTP call of the two REST chat transports (REST polling and `pureengage-v3-rest`): a time
 * limit, an optional outside abort (a long poll dropped when the browser goes offline), and a
 * failure as a `RequestError` that keeps the server's answer, since both protocols put facts
 * the client acts on (`statusCode`, `chatEnded`, `status.code`) beside the error envelope.
 */
import { isRecord } from '../../core/common';
import type { QueueStatus, RequestError } from './transport';

export interface HttpCall {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: BodyInit | undefined;
  /** ms before the call is abandoned (`code: 'timeout'`); 0 waits as long as the browser does. */
  timeout: number;
  signal?: AbortSignal;
}

/** A failed call: the error envelope's fields, and the whole answer in `reply`. */
export interface HttpError extends RequestError {
  reply?: unknown;
}

/** Call and parse the JSON answer; anything but a 2xx answer throws an `HttpError`. */
export async function httpCall(fetcher: typeof fetch, call: HttpCall): Promise<unknown> {
  const abort = new AbortController();
  const timer = call.timeout > 0 ? setTimeout(() => abort.abort(), call.timeout) : undefined;
  const outside = (): void => abort.abort();
  call.signal?.addEventListener('abort', outside);
  let response: Response;
  try {
    response = await fetcher(call.url, {
      method: call.method, headers: { Accept: 'application/json', ...call.headers },
      body: call.body ?? null, signal: abort.signal,
    });
  } catch (error) {
    const timedOut = abort.signal.aborted && !call.signal?.aborted;
    throw { status: 0, code: timedOut ? 'timeout' : 'network', message: String(error) } satisfies HttpError;
  } finally {
    clearTimeout(timer);
    call.signal?.removeEventListener('abort', outside);
  }
  let data: unknown;
  try {
    data = JSON.parse(await response.text());
  } catch {
    data = undefined;
  }
  if (!response.ok) {
    const envelope = isRecord(data) && isRecord(data['error']) ? data['error'] : {};
    const failure: HttpError = {
      status: response.status,
      code: typeof envelope['code'] === 'string' ? envelope['code'] : `http_${response.status}`,
      message: typeof envelope['message'] === 'string' ? envelope['message'] : response.statusText,
      reply: data,
    };
    if (envelope['details'] !== undefined) failure.details = envelope['details'];
    throw failure;
  }
  return data;
}

export const text = (value: unknown): string => typeof value === 'string' ? value : '';
export const number = (value: unknown, fallback: number): number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
export const clamp = (value: number, low: number, high: number): number => Math.min(Math.max(value, low), high);

/**
 * The `queuePosition` both REST APIs add to an answer while the chat waits for an agent (a
 * Frontdesk extension: a Genesys server sends none, and then nothing is shown).
 */
export function queueStatus(value: unknown): QueueStatus | undefined {
  if (!isRecord(value)) return undefined;
  const position = value['position'];
  const wait = value['estimatedWaitSeconds'];
  const counts = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0;
  return counts(position) && position >= 1 && counts(wait) ? { position, estimatedWaitSeconds: wait } : undefined;
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
