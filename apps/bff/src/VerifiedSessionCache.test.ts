import { describe, expect, it } from 'vitest';
import { VerifiedSessionCache } from './VerifiedSessionCache.js';

/** A cache on a hand-moved clock, whose database answers what `live` holds (or fails when told to). */
function cacheOnClock(revalidateMs = 5_000) {
  let t = 1_000_000;
  const asked: string[][] = [];
  const live = new Map<string, number>();
  const fail = { next: false };
  const errors: unknown[] = [];
  const cache = new VerifiedSessionCache({
    maxEntries: 100,
    revalidateMs,
    now: () => t,
    onRecheckError: (error) => errors.push(error),
    async findLive(tokenHashes) {
      asked.push([...tokenHashes]);
      if (fail.next) {
        fail.next = false;
        throw new Error('database down');
      }
      return new Map(
        tokenHashes.flatMap((hash) => (live.has(hash) ? [[hash, live.get(hash) as number]] : [])),
      );
    },
  });
  const verify = (name: string) => {
    live.set(`hash-${name}`, t + 3_600_000);
    cache.set(`cookie-${name}`, {
      tokenHash: `hash-${name}`,
      userId: name,
      expiresAt: t + 3_600_000,
      checkedAt: t,
    });
  };
  return {
    cache,
    asked,
    live,
    fail,
    errors,
    verify,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

describe('VerifiedSessionCache background re-check', () => {
  it('re-checks only the sessions due, oldest check first, and keeps live ones trusted', async () => {
    const { cache, asked, verify, advance } = cacheOnClock();
    verify('ada');
    advance(2_000);
    verify('grace');
    advance(1_500);
    // ada was checked 3.5 s ago (due at 60% of 5 s), grace 1.5 s ago (not yet).
    expect(cache.get('cookie-ada')).toBe('ada');
    expect(cache.get('cookie-grace')).toBe('grace');
    await cache.recheck();
    expect(asked).toEqual([['hash-ada']]);
    advance(2_000);
    // grace is stale now unless re-checked; ada was re-checked 2 s ago and is still trusted.
    expect(cache.get('cookie-ada')).toBe('ada');
    await cache.recheck();
    expect(asked).toEqual([['hash-ada'], ['hash-grace']]);
    expect(cache.get('cookie-grace')).toBe('grace');
    cache.close();
  });

  it('drops a session the database no longer has, and skips idle ones', async () => {
    const { cache, asked, live, verify, advance } = cacheOnClock();
    verify('ada');
    verify('lin');
    live.delete('hash-ada');
    advance(61_000);
    // Neither was used in the last minute: nothing is asked, and both are stale on their next use.
    await cache.recheck();
    expect(asked).toEqual([]);
    expect(cache.get('cookie-lin')).toBeUndefined();
    verify('ada');
    live.delete('hash-ada');
    advance(3_500);
    expect(cache.get('cookie-ada')).toBe('ada');
    await cache.recheck();
    expect(asked).toEqual([['hash-ada']]);
    expect(cache.verifiedTokenHash('cookie-ada')).toBeUndefined();
    cache.close();
  });

  it('after a failed pass, the next one starts with the sessions it did not re-check', async () => {
    const { cache, asked, fail, verify, advance } = cacheOnClock();
    verify('ada');
    advance(2_000);
    verify('grace');
    advance(1_500);
    // ada is due, grace (checked 1.5 s ago) is not: the failed pass asked for ada alone.
    expect(cache.get('cookie-ada')).toBe('ada');
    expect(cache.get('cookie-grace')).toBe('grace');
    fail.next = true;
    await cache.recheck();
    await cache.recheck();
    expect(asked).toEqual([['hash-ada'], ['hash-ada']]);
    advance(2_000);
    expect(cache.get('cookie-ada')).toBe('ada');
    cache.close();
  });

  it('re-checks a session idle at one pass once it is used again (a bound above a minute)', async () => {
    const { cache, asked, verify, advance } = cacheOnClock(600_000);
    verify('ada');
    advance(400_000);
    // Due (60% of 10 min) but unused for over a minute: not asked.
    await cache.recheck();
    expect(asked).toEqual([]);
    expect(cache.get('cookie-ada')).toBe('ada');
    advance(10_000);
    await cache.recheck();
    expect(asked).toEqual([['hash-ada']]);
    // 610 s after the first check, trusted thanks to the second.
    advance(200_000);
    expect(cache.get('cookie-ada')).toBe('ada');
    cache.close();
  });

  it('tries a failed pass again on the next one', async () => {
    const { cache, asked, errors, fail, verify, advance } = cacheOnClock();
    verify('ada');
    advance(3_500);
    expect(cache.get('cookie-ada')).toBe('ada');
    fail.next = true;
    await cache.recheck();
    expect(errors).toHaveLength(1);
    await cache.recheck();
    expect(asked).toEqual([['hash-ada'], ['hash-ada']]);
    advance(3_000);
    // Re-checked by the second pass, 3 s ago: still trusted although first verified 6.5 s ago.
    expect(cache.get('cookie-ada')).toBe('ada');
    cache.close();
  });
});
