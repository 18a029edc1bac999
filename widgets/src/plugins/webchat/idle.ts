/** Idle time on the page, as the auto-invite needs it (Genesys' Watchman, reduced to one use). */

const ACTIVITY = ['mousemove', 'touchmove', 'keyup', 'scroll'];

/** Call `onIdle` once, after `seconds` without mouse, touch, key or scroll activity. */
export function watchIdle(win: Window, seconds: number, onIdle: () => void): void {
  let idle = 0;
  const reset = (): void => {
    idle = 0;
  };
  for (const name of ACTIVITY) win.addEventListener(name, reset, { passive: true });
  const ticker = setInterval(() => {
    if (++idle < seconds) return;
    clearInterval(ticker);
    for (const name of ACTIVITY) win.removeEventListener(name, reset);
    onIdle();
  }, 1000);
}
