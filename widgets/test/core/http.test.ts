import { describe, expect, it, vi } from 'vitest';
import { http, type HttpError } from '../../src/core/http';

const answer = (status: number, body: string): typeof fetch =>
  vi.fn(async () => new Response(body, { status })) as unknown as typeof fetch;

/** A fetch that answers only when its signal aborts, as a browser does. */
const hanging = vi.fn(
  (_url: RequestInfo | URL, init?: RequestInit) =>
    new Promise<Response>((_resolve, reject) => {
      init?.signal?.addEventListener('abort', () =>
        reject(new DOMException('aborted', 'AbortError')),
      );
    }),
) as unknown as typeof fetch;

const failureOf = (promise: Promise<unknown>): Promise<HttpError> =>
  promise.then(
    () => {
      throw new Error('resolved');
    },
    (error: unknown) => error as HttpError,
  );

describe('http', () => {
  it('sends JSON with its type and parses the JSON answer', async () => {
    const fetcher = answer(200, '{"ok":1}');
    const reply = await http(fetcher, {
      method: 'POST',
      url: '/x',
      headers: { Accept: 'application/json' },
      json: { a: 1 },
      timeout: 0,
      credentials: 'omit',
    });
    expect(reply.status).toBe(200);
    expect(reply.data).toEqual({ ok: 1 });
    const [url, init] = vi.mocked(fetcher).mock.calls[0]!;
    expect(url).toBe('/x');
    expect(init).toMatchObject({
      method: 'POST',
      body: '{"a":1}',
      credentials: 'omit',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
    });
  });

  it('sends a form as it is, without a type of its own or a credentials mode', async () => {
    const fetcher = answer(204, '');
    const form = new URLSearchParams({ a: '1' });
    const reply = await http(fetcher, { method: 'POST', url: '/x', body: form, timeout: 1000 });
    expect(reply.data).toBeUndefined();
    const init = vi.mocked(fetcher).mock.calls[0]![1]!;
    expect(init.body).toBe(form);
    expect(init.headers).toEqual({});
    expect('credentials' in init).toBe(false);
  });

  it('rejects with the error envelope and keeps the whole answer', async () => {
    const body = {
      error: { code: 'rate_limited', message: 'Slow down', details: { retry: 2 } },
      extra: true,
    };
    const failure = await failureOf(
      http(answer(429, JSON.stringify(body)), { method: 'GET', url: '/x', timeout: 0 }),
    );
    expect(failure).toEqual({
      status: 429,
      code: 'rate_limited',
      message: 'Slow down',
      details: { retry: 2 },
      reply: body,
    });
  });

  it('names an answer without an envelope by its status', async () => {
    const failure = await failureOf(
      http(answer(502, '<html>'), { method: 'GET', url: '/x', timeout: 0 }),
    );
    expect(failure).toMatchObject({ status: 502, code: 'http_502', reply: undefined });
  });

  it('gives up after the time limit, and tells an outside abort apart', async () => {
    expect(await failureOf(http(hanging, { method: 'GET', url: '/x', timeout: 5 }))).toMatchObject({
      status: 0,
      code: 'timeout',
    });
    const outside = new AbortController();
    const call = failureOf(
      http(hanging, { method: 'GET', url: '/x', timeout: 0, signal: outside.signal }),
    );
    outside.abort();
    expect(await call).toMatchObject({ status: 0, code: 'network' });
  });
});
