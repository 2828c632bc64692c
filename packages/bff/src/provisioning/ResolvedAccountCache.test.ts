import { describe, expect, it } from 'vitest';
import { ResolvedAccountCache } from './ResolvedAccountCache.js';

const account = (n: number) => ({ accountId: `acc-${n}`, createdAt: new Date(n) });

describe('ResolvedAccountCache', () => {
  it('evicts the least recently used account beyond its capacity', () => {
    const cache = new ResolvedAccountCache(2);
    cache.set('a', account(1));
    cache.set('b', account(2));
    expect(cache.get('a')).toEqual(account(1)); // a is now the most recently used
    cache.set('c', account(3));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toEqual(account(1));
    expect(cache.get('c')).toEqual(account(3));
  });

  it('keeps nothing with a capacity of 0', () => {
    const cache = new ResolvedAccountCache(0);
    cache.set('a', account(1));
    expect(cache.get('a')).toBeUndefined();
  });
});
