/**
 * When the REST polling transport asks for news (spec 5.6): every `pollRate` ms; after activity
 * (a message either way) every `pollRateMin` ms, slowing by `pollRateMult` back to
 * `pollRateMax`; and, with `sleepEnabled`, only every `pollRateSleep` ms while the page is
 * hidden. One poll at a time: the next is planned when the last one is over.
 */
import { clamp, number } from './rest_http';

export interface PollTimerSetup {
  option(key: string): unknown;
  win: Window;
  poll(): Promise<void>;
  /** The page went to sleep (hidden) or woke up, with `sleepEnabled`. */
  sleeping(asleep: boolean): void;
}

export interface PollTimer {
  start(): void;
  stop(): void;
  /** Something happened: poll fast for a while (`dynamicPolling`). */
  activity(): void;
  /** Poll at once (e.g. the network is back). */
  now(): void;
  /** `stopPoll` (true) and `startPoll`; false when polling already was in that state. */
  pause(paused: boolean): boolean;
  /** The `sleep` and `wake` commands; with `sleepEnabled`, the page's visibility too. */
  sleep(asleep: boolean): void;
}

export function createPollTimer(setup: PollTimerSetup): PollTimer {
  const { option, win } = setup;
  const rate = (): number => clamp(number(option('pollRate'), 3000), 1000, 30000);
  const fastest = (): number => Math.max(number(option('pollRateMin'), 500), 250);
  const slowest = (): number =>
    clamp(number(option('pollRateMax') ?? option('pollIntervalIdle_ms'), 3000), rate(), 30000);
  const multiplier = (): number => {
    const given = number(option('pollRateMult') ?? option('pollIntervalMultiplier'), 1.2);
    return given > 1 ? given : 1.2;
  };
  const dynamic = (): boolean => option('dynamicPolling') !== false;
  const sleepEnabled = (): boolean => option('sleepEnabled') === true;

  let running = false;
  let busy = false;
  let asleep = false;
  let paused = false;
  let interval = 0;
  /** Activity came during the poll running now: the next one keeps the fast interval. */
  let fresh = false;
  let due = 0;
  let handle: ReturnType<typeof setTimeout> | undefined;

  const plan = (delay: number): void => {
    clearTimeout(handle);
    due = Date.now() + delay;
    handle = setTimeout(run, delay);
  };
  const run = (): void => {
    if (!running || busy || paused) return;
    busy = true;
    setup
      .poll()
      .catch(() => undefined)
      .finally(() => {
        busy = false;
        if (!running) return;
        if (fresh) fresh = false;
        else if (dynamic()) interval = Math.min(interval * multiplier(), slowest());
        plan(asleep ? number(option('pollRateSleep'), 30000) : interval);
      });
  };
  const visibility = (): void => {
    if (!running || !sleepEnabled()) return;
    timer.sleep(win.document.visibilityState === 'hidden');
  };

  const timer: PollTimer = {
    start() {
      running = true;
      interval = rate();
      asleep = false;
      paused = false;
      win.document.addEventListener('visibilitychange', visibility);
      visibility();
      run();
    },
    stop() {
      running = false;
      clearTimeout(handle);
      win.document.removeEventListener('visibilitychange', visibility);
    },
    activity() {
      if (!dynamic()) return;
      interval = fastest();
      if (busy) fresh = true;
      else if (running && !asleep && due - Date.now() > interval) plan(interval);
    },
    now() {
      if (!running) return;
      clearTimeout(handle);
      run();
    },
    pause(pause) {
      if (pause === paused) return false;
      paused = pause;
      if (paused) clearTimeout(handle);
      else timer.now();
      return true;
    },
    sleep(sleep) {
      if (!running || sleep === asleep) return;
      asleep = sleep;
      setup.sleeping(asleep);
      if (!asleep) timer.now();
    },
  };
  return timer;
}
