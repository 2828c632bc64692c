import { describe, expect, it } from 'vitest';
import {
  accountEntryBytes,
  defaultAccountCacheBytes,
  ResolvedAccountCache,
} from './ResolvedAccountCache.js';

const account = (n: number) => ({ accountId: `acc-${n}`, createdAt: new Date(n) });
const oneEntry = accountEntryBytes('a', account(1));

describe('ResolvedAccountCache', () => {
  it('evicts the least recently used account once its bytes are spent', () => {
    const cache = new ResolvedAccountCache(2 * oneEntry);
    cache.set('a', account(1));
    cache.set('b', account(2));
    expect(cache.get('a')).toEqual(account(1)); // a is now the most recently used
    cache.set('c', account(3));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toEqual(account(1));
    expect(cache.get('c')).toEqual(account(3));
    expect(cache.bytes).toBe(2 * oneEntry);
  });

  it('charges longer ids more, so the same bytes hold fewer of them', () => {
    const cache = new ResolvedAccountCache(5 * oneEntry);
    cache.set('x'.repeat(300), account(1));
    cache.set('y'.repeat(300), account(2));
    expect(cache.size).toBe(1);
    expect(cache.get('y'.repeat(300))).toEqual(account(2));
    for (const id of ['a', 'b', 'c', 'd', 'e']) cache.set(id, account(3));
    expect(cache.size).toBe(5);
  });

  it('keeps 100,000 users with 37-character ids in its default bytes, the first one included', () => {
    const cache = new ResolvedAccountCache(defaultAccountCacheBytes);
    const id = (n: number) => `user-${n.toString(16).padStart(32, '0')}`;
    for (let n = 0; n < 100_000; n += 1)
      cache.set(id(n), {
        accountId: `acct_${n.toString(16).padStart(32, '0')}`,
        createdAt: new Date(n),
      });
    expect(cache.size).toBe(100_000);
    expect(cache.get(id(0))?.accountId).toBe(`acct_${'0'.repeat(32)}`);
  });

  it('forgets a deleted user', () => {
    const cache = new ResolvedAccountCache(defaultAccountCacheBytes);
    cache.set('a', account(1));
    cache.set('b', account(2));
    cache.delete('a');
    cache.delete('never-cached');
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')).toEqual(account(2));
    expect(cache.bytes).toBe(oneEntry);
  });

  it('keeps nothing with 0 bytes', () => {
    const cache = new ResolvedAccountCache(0);
    cache.set('a', account(1));
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});
