/** The REST polling start lock: of two tabs starting at once, one starts and one is refused. */
import { afterEach, describe, expect, it } from 'vitest';
import { acquireStartLock, LOCKED } from '../../../src/plugins/webchatservice/start_lock';
import { reasonOf } from '../../helpers';

afterEach(() => localStorage.clear());

describe('acquireStartLock', () => {
  it('lets one of two simultaneous starts through and refuses the other with {statusCode: 1}', async () => {
    const results = await Promise.allSettled([
      acquireStartLock(window, 3000, () => false),
      acquireStartLock(window, 3000, () => false),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect((lost[0] as PromiseRejectedResult).reason).toEqual({ statusCode: 1 });
    // Held until released; then the next start may go.
    expect(await reasonOf(acquireStartLock(window, 3000, () => false))).toBe(LOCKED);
    (won[0] as PromiseFulfilledResult<() => void>).value();
    const release = await acquireStartLock(window, 3000, () => false);
    release();
  });

  it('refuses while a chat runs, and ignores a claim a closed tab left behind once expired', async () => {
    expect(await reasonOf(acquireStartLock(window, 3000, () => true))).toEqual({ statusCode: 1 });
    localStorage.setItem('_genesys.widgets.webchat.startLock', `gone:${Date.now() - 1}`);
    const release = await acquireStartLock(window, 3000, () => false);
    release();
    expect(localStorage.getItem('_genesys.widgets.webchat.startLock')).toBeNull();
  });

  it('refuses when a chat started in another tab while waiting for the claim to settle', async () => {
    let running = false;
    const attempt = acquireStartLock(window, 3000, () => running);
    running = true;
    expect(await reasonOf(attempt)).toEqual({ statusCode: 1 });
    expect(localStorage.getItem('_genesys.widgets.webchat.startLock')).toBeNull();
  });
});
