import { mkdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { describeCause } from './describeCause.js';

describe('describeCause', () => {
  it('keeps errno, syscall and path of a Node file system error', async () => {
    const error = await mkdir('/proc/no/such/place').catch((caught: unknown) => caught);
    expect(describeCause(error)).toMatch(
      /^ENOENT: no such file or directory, mkdir '\/proc\/no\/such\/place'$/,
    );
  });

  it('names PGlite’s WASM errno errors instead of printing [object Object]', () => {
    expect(describeCause({ name: 'ErrnoError', errno: 44 })).toBe(
      "ErrnoError ENOENT (errno 44) in PGlite's file system",
    );
    expect(describeCause({ name: 'ErrnoError', errno: 999 })).toBe(
      "ErrnoError errno 999 in PGlite's file system",
    );
  });

  it('adds the code and the wrapped cause when the message lacks them', () => {
    const inner = Object.assign(new Error('connect refused'), { code: 'ECONNREFUSED' });
    const outer = new TypeError('fetch failed', { cause: inner });
    expect(describeCause(outer)).toBe(
      'TypeError: fetch failed; caused by ECONNREFUSED: connect refused',
    );
  });
});
