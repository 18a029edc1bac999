/** JSON requests for the `purecloud-v2-sockets` transport, made with `common.http`. */
import type { Http, HttpError } from '../../core/http';

export type Request = <T>(method: string, path: string, body?: unknown) => Promise<T>;

export interface HttpSetup {
  http: Http;
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
    try {
      const reply = await setup.http(setup.fetch, {
        method,
        url: setup.base + path,
        headers: { Accept: 'application/json', ...setup.headers() },
        json: body,
        timeout: setup.timeout,
      });
      return reply.data as T;
    } catch (error) {
      // A v2 failure is its envelope alone, as pages have always seen it in `error` events.
      delete (error as HttpError).reply;
      throw error;
    }
  };
}
