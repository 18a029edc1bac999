/**
 * One worker per browser rather than per tab: among the tabs that ask under the same `name`,
 * one leads (runs the work) and shares what it finds over a BroadcastChannel; the others
 * follow. Where the browser has Web Locks (https pages), the leader holds a lock, which the
 * browser hands to the next waiting tab when the holder stops or closes. Elsewhere (Web Locks
 * exist only in secure contexts) the leader keeps a short-lived claim fresh in localStorage
 * and a follower takes over once the claim is gone or stale. Both are same-origin: tabs on
 * another sub-domain elect their own leader. Without either, every tab leads: correct, only
 * less frugal.
 */
export interface TabLeader {
  /** True while this tab is the one that should do the work. */
  leading(): boolean;
  /** Send `data` to the other tabs (the leader's findings). */
  share(data: unknown): void;
  /** Give up leading (another tab takes over) and stop listening. */
  stop(): void;
}

interface Locks {
  request(name: string, callback: () => Promise<void> | void): Promise<unknown>;
}

/** How often a claim is renewed, and how long one lives without renewal. */
const BEAT_MS = 1000;
const CLAIM_MS = 3500;

function storageOf(win: Window): Storage | undefined {
  try {
    return win.localStorage;
  } catch {
    return undefined;
  }
}

/** `lead` runs each time this tab becomes the leader; `follow` gets the leader's `share`s. */
export function electLeader(
  win: Window,
  name: string,
  lead: () => void,
  follow: (data: unknown) => void,
): TabLeader {
  let leading = false;
  let stopped = false;
  let stopElection: () => void = () => undefined;
  const Channel = (win as Window & { BroadcastChannel?: typeof BroadcastChannel }).BroadcastChannel;
  const channel = Channel ? new Channel(name) : undefined;
  if (channel) {
    channel.onmessage = (event: MessageEvent) => {
      if (!leading && !stopped) follow(event.data);
    };
  }
  const take = (): void => {
    if (stopped || leading) return;
    leading = true;
    lead();
  };

  const locks = (win.navigator as Navigator & { locks?: Locks | null }).locks;
  const store = storageOf(win);
  if (locks && typeof locks.request === 'function') {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    locks
      .request(name, () => {
        take();
        return held;
      })
      .catch(take);
    stopElection = release;
  } else if (store) {
    const key = `_genesys.widgets.${name}.leader`;
    const me = Math.random().toString(36).slice(2);
    const holder = (): { id: string; until: number } => {
      const [id = '', until = '0'] = (store.getItem(key) ?? '').split(':');
      return { id, until: Number(until) };
    };
    const claim = (): void => store.setItem(key, `${me}:${Date.now() + CLAIM_MS}`);
    const check = (): void => {
      if (stopped) return;
      const now = holder();
      if (now.id === me) {
        claim();
        take();
      } else if (leading) {
        // Two tabs claimed at once and the other write landed last: it leads.
        leading = false;
      } else if (now.until < Date.now()) {
        claim();
        // Lead once a rival's claim at the same moment had time to land (the last one wins).
        setTimeout(check, 50);
      }
    };
    const timer = setInterval(check, BEAT_MS);
    const onStorage = (event: StorageEvent): void => {
      if (event.key === key && !event.newValue) check();
    };
    const leave = (): void => {
      if (holder().id === me) store.removeItem(key);
    };
    win.addEventListener('storage', onStorage);
    win.addEventListener('pagehide', leave);
    check();
    stopElection = () => {
      clearInterval(timer);
      win.removeEventListener('storage', onStorage);
      win.removeEventListener('pagehide', leave);
      leave();
    };
  } else {
    take();
  }

  return {
    leading: () => leading && !stopped,
    share(data) {
      if (leading && !stopped) channel?.postMessage(data);
    },
    stop() {
      stopped = true;
      leading = false;
      stopElection();
      channel?.close();
    },
  };
}
