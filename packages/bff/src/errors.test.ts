import { describe, expect, it } from 'vitest';
import {
  BffError,
  InvalidExternalIdError,
  isBffError,
  isInvalidExternalIdError,
  isKnewtonUnavailableError,
  isStoreUnavailableError,
  KnewtonUnavailableError,
  StoreUnavailableError,
} from './errors.js';

describe('BFF errors', () => {
  it('carry their name, cause and retry hint, and are told apart by their guards', () => {
    const cause = new Error('socket hang up');
    const knewton = new KnewtonUnavailableError('Knewton POST /v0/accounts answered 503', {
      status: 503,
      cause,
    });
    const store = new StoreUnavailableError('Account store lookup failed', {
      retryAfterSeconds: 3,
    });
    const mapper = new InvalidExternalIdError('The external id mapper returned an empty value');
    expect([knewton.name, store.name, mapper.name]).toEqual([
      'KnewtonUnavailableError',
      'StoreUnavailableError',
      'InvalidExternalIdError',
    ]);
    expect(knewton).toMatchObject({ status: 503, retryAfterSeconds: 1, cause });
    expect(store.retryAfterSeconds).toBe(3);
    for (const error of [knewton, store, mapper]) {
      expect(error).toBeInstanceOf(BffError);
      expect(isBffError(error)).toBe(true);
    }
    expect([isKnewtonUnavailableError(knewton), isKnewtonUnavailableError(store)]).toEqual([
      true,
      false,
    ]);
    expect([isStoreUnavailableError(store), isStoreUnavailableError(mapper)]).toEqual([
      true,
      false,
    ]);
    expect([isInvalidExternalIdError(mapper), isInvalidExternalIdError(knewton)]).toEqual([
      true,
      false,
    ]);
    expect([
      isBffError(new Error('x')),
      isKnewtonUnavailableError(undefined),
      isStoreUnavailableError(null),
    ]).toEqual([false, false, false]);
  });
});
