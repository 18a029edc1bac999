/**
 * The one HTTP call of every plugin's service: a time limit, an optional outside abort, the JSON
 * answer parsed, and a failure as an `HttpError`. App shares it as `common.http`, so a plugin
 * file carries no copy of its own; plugins import this file for types only.
 */
import { isRecord } from './common';

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  /** Sent as JSON, with its `Content-Type`. */
  json?: unknown;
  /** Sent as it is: a form (`URLSearchParams`, form-encoded by the browser) or `FormData`. */
  body?: BodyInit | undefined;
  /** ms before the call is abandoned (`code: 'timeout'`); 0 waits as long as the browser does. */
  timeout: number;
  /** Aborts the call from outside (`code: 'network'`), e.g. a long poll dropped when offline. */
  signal?: AbortSignal | undefined;
  credentials?: RequestCredentials;
}

/** A 2xx answer: its status, its headers and its parsed JSON (`undefined` when not JSON). */
export interface HttpReply {
  status: number;
  headers: Headers;
  data: unknown;
}

/**
 * A call that failed: HTTP status (0 = no answer), the fields of the server's error envelope
 * `{error: {code, message, details}}` (else `http_<status>` and the status text), and the whole
 * parsed answer in `reply`, since some protocols put facts beside the envelope.
 */
export interface HttpError {
  status: number;
  code: string;
  message: string;
  details?: unknown;
  reply?: unknown;
}

export type Http = (fetcher: typeof fetch, request: HttpRequest) => Promise<HttpReply>;

/** Make the call with `fetcher`; anything but a 2xx answer rejects with an `HttpError`. */
export const http: Http = async (fetcher, request) => {
  const { signal, timeout, json } = request;
  const abort = new AbortController();
  const timer = timeout > 0 ? setTimeout(() => abort.abort(), timeout) : undefined;
  const outside = (): void => abort.abort();
  signal?.addEventListener('abort', outside);
  const headers = { ...request.headers };
  if (json !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetcher(request.url, {
      method: request.method,
      headers,
      body: json !== undefined ? JSON.stringify(json) : (request.body ?? null),
      signal: abort.signal,
      ...(request.credentials ? { credentials: request.credentials } : {}),
    });
  } catch (error) {
    const timedOut = abort.signal.aborted && !signal?.aborted;
    throw {
      status: 0,
      code: timedOut ? 'timeout' : 'network',
      message: String(error),
    } satisfies HttpError;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', outside);
  }
  let data: unknown;
  try {
    data = JSON.parse(await response.text());
  } catch {
    data = undefined;
  }
  const { status } = response;
  if (!response.ok) {
    const envelope = isRecord(data) && isRecord(data['error']) ? data['error'] : {};
    const failure: HttpError = {
      status,
      code: typeof envelope['code'] === 'string' ? envelope['code'] : `http_${status}`,
      message: typeof envelope['message'] === 'string' ? envelope['message'] : response.statusText,
      reply: data,
    };
    if (envelope['details'] !== undefined) failure.details = envelope['details'];
    throw failure;
  }
  return { status, headers: response.headers, data };
};
