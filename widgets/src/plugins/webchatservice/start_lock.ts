/**
 * The REST polling start lock: two tabs of one site must not start two chats. A tab about to
 * start writes a short-lived claim in `localStorage` (shared by the site's tabs, never sent to
 * a server, so it is no cookie of the contract), waits a moment for a rival's write to land,
 * and starts only if the claim is still its own and no chat is running yet. A tab that loses
 * is refused with `{statusCode: 1}`, as the GMS widgets refuse it.
 */
const KEY = '_genesys.widgets.webchat.startLock';
const SETTLE_MS = 40;

/** Refusal of a start that another tab holds. */
export const LOCKED = { statusCode: 1 } as const;

function storageOf(win: Window): Storage | undefined {
  try {
    return win.localStorage;
  } catch {
    return undefined; // Storage blocked (privacy settings): no lock, as before locks existed.
  }
}

/**
 * Claim the start for `holdMs` (a claim left by a closed tab expires by itself). Resolves with
 * the release; rejects with `LOCKED` when another tab holds it or `running()` says a chat runs.
 */
export async function acquireStartLock(
  win: Window,
  holdMs: number,
  running: () => boolean,
): Promise<() => void> {
  const store = storageOf(win);
  if (running()) throw LOCKED;
  if (!store) return () => undefined;
  const held = Number((store.getItem(KEY) ?? '').split(':')[1]);
  if (held > Date.now()) throw LOCKED;
  const mine = `${Math.random().toString(36).slice(2)}:${Date.now() + holdMs + 1000}`;
  store.setItem(KEY, mine);
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  if (store.getItem(KEY) !== mine || running()) {
    if (store.getItem(KEY) === mine) store.removeItem(KEY);
    throw LOCKED;
  }
  return () => {
    if (store.getItem(KEY) === mine) store.removeItem(KEY);
  };
}
