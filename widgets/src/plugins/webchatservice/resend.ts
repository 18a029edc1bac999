/**
 * Sends that survive a lost answer. Each message gets its own idempotency key; a send that got
 * no answer (network, timeout) or a 5xx may have been stored anyway, so it is tried again with
 * the same key, and the server stores it once and answers the first copy.
 */
import type { RequestError } from './transport';

/** ms to wait before each retry: a blip passes, an outage is reported within seconds. */
export const RETRY_DELAYS = [500, 1500];

/** A fresh key: a random UUID, or 128 random bits in hex where `randomUUID` is missing (http pages). */
export function idempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');
}

const retryable = (error: unknown): boolean => {
  const status = (error as Partial<RequestError> | undefined)?.status;
  return status === 0 || (typeof status === 'number' && status >= 500);
};

/** `attempt(key)` with one fresh key, repeated with that key after each failure that may have stored it. */
export async function sendOnce<T>(attempt: (key: string) => Promise<T>): Promise<T> {
  const key = idempotencyKey();
  for (let tried = 0; ; tried++) {
    try {
      return await attempt(key);
    } catch (error) {
      const delay = RETRY_DELAYS[tried];
      if (delay === undefined || !retryable(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
