/** JSON requests for the chat transports: a time limit, and failures as `RequestError`s. */
import { isRecord } from '../../core/common';
import type { RequestError } from './transport';

export type Request = <T>(method: string, path: string, body?: unknown) => Promise<T>;

export interface HttpSetup {
  fetch: typeof fetch;
  /** ms before a request is abandoned (`code: 'timeout'`). */
  timeout: number;
  /** Prefixed to every path. */
  base: string;
  /** Headers of the moment, e.g. the session's token. */
  headers(): Record<string, string>;
}

/** A JSON request function; a failure carries the server's error envelope when it sent one. */
export function createRequest(setup: HttpSetup): Request {
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const headers: Record<string, string> = { Accept: 'application/json', ...setup.headers() };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), setup.timeout);
    let response: Response;
    try {
      response = await setup.fetch(setup.base + path, {
        method, headers, signal: abort.signal,
        body: body === undefined ? null : JSON.stringify(body),
      });
    } catch (error) {
      const timedOut = abort.signal.aborted;
      throw { status: 0, code: timedOut ? 'timeout' : 'network', message: String(error) };
    } finally {
      clearTimeout(timer);
    }
    let data: unknown;
    try {
      data = JSON.parse(await response.text());
    } catch {
      data = undefined;
    }
    if (!response.ok) {
      const envelope = isRecord(data) && isRecord(data['error']) ? data['error'] : {};
      const failure: RequestError = {
        status: response.status,
        code: typeof envelope['code'] === 'string' ? envelope['code'] : `http_${response.status}`,
        message: typeof envelope['message'] === 'string' ? envelope['message'] : response.statusText,
      };
      if (envelope['details'] !== undefined) failure.details = envelope['details'];
      throw failure;
    }
    return data as T;
  };
}
