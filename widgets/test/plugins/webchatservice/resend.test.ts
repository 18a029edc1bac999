/** A send keeps one idempotency key through its retries, and each message gets a new one. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { idempotencyKey, RETRY_DELAYS, sendOnce } from '../../../src/plugins/webchatservice/resend';
import { reasonOf } from '../../helpers';
import { fakeGms, fakeV3, GMS_URL, V3_URL, withFetch } from './fake_rest';
import { fakeServer } from './fake_server';
import { boot, settle, v2Config } from './setup';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

afterEach(() => {
  delete window._genesys;
  vi.useRealTimers();
  vi.unstubAllGlobals();
  localStorage.clear();
});

/**
 * `fetch`, except that the answer to the first call of each kind `kindOf` names is lost after
 * the server took the call: the case an idempotency key is for.
 */
function losing(
  fetch: typeof globalThis.fetch,
  kindOf: (url: string, init?: RequestInit) => string | undefined,
) {
  const lost = new Set<string>();
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const answer = await fetch(input, init);
    const kind = kindOf(String(input), init);
    if (kind !== undefined && !lost.has(kind)) {
      lost.add(kind);
      throw new TypeError('Failed to fetch');
    }
    return answer;
  }) as typeof globalThis.fetch;
}

/** What `sendFile` takes: a file input holding one file. */
function picked(name: string): HTMLInputElement {
  const input = document.createElement('input');
  input.type = 'file';
  Object.defineProperty(input, 'files', {
    value: [new File(['hi'], name, { type: 'text/plain' })],
  });
  return input;
}

/** Two messages, the first one's answer lost once: its key twice, then a new one. */
function expectKeys(keys: unknown[]): void {
  expect(keys).toHaveLength(3);
  const [first, retry, next] = keys;
  expect(first).toMatch(UUID);
  expect(retry).toBe(first);
  expect(next).toMatch(UUID);
  expect(next).not.toBe(first);
}

describe('sendOnce', () => {
  it('retries a send without an answer or with a 5xx twice, with the same key, then gives up', async () => {
    vi.useFakeTimers();
    const keys: string[] = [];
    const failures = [
      { status: 0, code: 'timeout' },
      { status: 503, code: 'unavailable' },
      { status: 0, code: 'network' },
    ];
    const sent = sendOnce(async (key) => {
      keys.push(key);
      throw failures[keys.length - 1];
    });
    const reason = reasonOf(sent);
    await vi.advanceTimersByTimeAsync(RETRY_DELAYS.reduce((a, b) => a + b, 0));
    expect(await reason).toEqual({ status: 0, code: 'network' });
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(1);
  });

  it('does not retry what the server refused (4xx), nor what succeeded', async () => {
    const keys: string[] = [];
    const refused = { status: 409, code: 'idempotency_conflict' };
    expect(
      await reasonOf(
        sendOnce(async (key) => {
          keys.push(key);
          throw refused;
        }),
      ),
    ).toBe(refused);
    expect(
      await sendOnce(async (key) => {
        keys.push(key);
        return 'ok';
      }),
    ).toBe('ok');
    expect(keys).toHaveLength(2);
    expect(keys[0]).not.toBe(keys[1]);
  });

  it('makes keys from getRandomValues where randomUUID is missing (pages not served over https)', () => {
    const real = globalThis.crypto;
    vi.stubGlobal('crypto', { getRandomValues: real.getRandomValues.bind(real) });
    const [one, two] = [idempotencyKey(), idempotencyKey()];
    expect(one).toMatch(/^[0-9a-f]{32}$/);
    expect(two).not.toBe(one);
  });
});

describe('each transport sends a key per message and reuses it on a retry', () => {
  it('REST polling: the idempotencyKey form field, in sends and uploads', async () => {
    const gms = fakeGms();
    const kindOf = (url: string): string | undefined =>
      url.includes('/send?') ? 'send' : url.includes('/file?') ? 'file' : undefined;
    const s = await boot(
      { webchat: { dataURL: GMS_URL } },
      {},
      withFetch(losing(gms.fetch, kindOf)),
    );
    await s.bus.command('WebChatService.startChat', { firstname: 'Ann' });
    await s.bus.command('WebChatService.sendMessage', { message: 'one' });
    await s.bus.command('WebChatService.sendMessage', { message: 'two' });
    const sends = gms.named('send');
    expect(sends.map((c) => c.fields['message'])).toEqual(['one', 'one', 'two']);
    expectKeys(sends.map((c) => c.fields['idempotencyKey']));
    await s.bus.command('WebChatService.sendFile', { files: picked('a.txt') });
    await s.bus.command('WebChatService.sendFile', { files: picked('b.txt') });
    const uploads = gms.named('file');
    expect(uploads.map((c) => c.file?.name)).toEqual(['a.txt', 'a.txt', 'b.txt']);
    expectKeys(uploads.map((c) => c.fields['idempotencyKey']));
    await s.bus.command('WebChatService.endChat');
  });

  it('pureengage-v3-rest: idempotencyKey beside operationId, in sends and image uploads', async () => {
    const v3 = fakeV3();
    const kindOf = (url: string, init?: RequestInit): string | undefined => {
      if (init?.method !== 'POST') return undefined;
      if (url.endsWith('/messages') && String(init.body).includes('"Text"')) return 'send';
      return url.endsWith('/images') ? 'image' : undefined;
    };
    const s = await boot(
      { webchat: { transport: { type: 'pureengage-v3-rest', dataURL: V3_URL } } },
      {},
      withFetch(losing(v3.fetch, kindOf)),
    );
    await s.bus.command('WebChatService.startChat', { firstname: 'Ann' });
    await s.bus.command('WebChatService.sendMessage', { message: 'one' });
    await s.bus.command('WebChatService.sendMessage', { message: 'two' });
    const sends = v3.calls.filter(
      (c) => c.method === 'POST' && (c.json as { data?: { type?: string } }).data?.type === 'Text',
    );
    expect(sends.map((c) => (c.json as { data: { text: string } }).data.text)).toEqual([
      'one',
      'one',
      'two',
    ]);
    expectKeys(sends.map((c) => (c.json as { idempotencyKey?: string }).idempotencyKey));
    await s.bus.command('WebChatService.sendFile', { files: picked('a.txt') });
    await s.bus.command('WebChatService.sendFile', { files: picked('b.txt') });
    const uploads = v3.calls.filter((c) => c.path.endsWith('/images'));
    expect(uploads.map((c) => c.file?.name)).toEqual(['a.txt', 'a.txt', 'b.txt']);
    expectKeys(uploads.map((c) => c.fields['idempotencyKey']));
    await s.bus.command('WebChatService.endChat');
    await settle();
  });

  it('purecloud-v2-sockets: idempotencyKey in the message body', async () => {
    const server = fakeServer();
    const kindOf = (url: string, init?: RequestInit): string | undefined =>
      init?.method === 'POST' && url.endsWith('/messages') ? 'send' : undefined;
    const s = await boot(v2Config(), {}, { ...server, fetch: losing(server.fetch, kindOf) });
    await s.bus.command('WebChatService.startChat', { firstname: 'Ann' });
    await settle();
    await s.bus.command('WebChatService.sendMessage', { message: 'one' });
    await s.bus.command('WebChatService.sendMessage', { message: 'two' });
    const sends = server.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/messages'));
    const bodies = sends.map((c) => c.body as { body: string; idempotencyKey?: string });
    expect(bodies.map((b) => b.body)).toEqual(['one', 'one', 'two']);
    expectKeys(bodies.map((b) => b.idempotencyKey));
    await s.bus.command('WebChatService.endChat');
  });
});
