/**
 * When this browser last held a live chat session, in the `webchat.state.ping` cookie (ms since
 * the epoch). A restore after a longer absence than `restoreTimeout` is refused. The cookie is
 * shared by every tab and sub-domain, so any page that still shows the chat keeps it fresh.
 */
import type { CookieStore } from '../../core/cookies';

export const PING_COOKIE = 'webchat.state.ping';
/** The most time between two writes while a session is live. */
const MAX_WRITE_INTERVAL_MS = 5000;

export interface LastContact {
  /** The session is live now; written at most every few seconds unless `now` is asked for. */
  touch(now: boolean): void;
  /** True when the last contact is older than `timeoutMs`; a missing cookie proves nothing. */
  expired(timeoutMs: number): boolean;
  clear(): void;
}

export function createLastContact(
  cookies: () => CookieStore,
  timeoutMs: () => number,
): LastContact {
  let written = 0;
  return {
    touch(now) {
      const time = Date.now();
      // Often enough that a page left just now is not counted as gone for a whole interval.
      if (!now && time - written < Math.min(MAX_WRITE_INTERVAL_MS, timeoutMs() / 4)) return;
      written = time;
      cookies().set(PING_COOKIE, String(time));
    },
    expired(limit) {
      const last = Number(cookies().get(PING_COOKIE));
      return last > 0 && Date.now() - last > limit;
    },
    clear() {
      written = 0;
      cookies().remove(PING_COOKIE);
    },
  };
}
