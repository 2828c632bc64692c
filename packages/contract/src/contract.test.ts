import { describe, expect, it } from 'vitest';
import {
  errorStatus,
  isErrorCode,
  parseAccountResponse,
  parseErrorBody,
  retryableErrorCodes,
} from './index.js';

describe('parseAccountResponse', () => {
  it('accepts the documented shape and drops unknown fields', () => {
    expect(
      parseAccountResponse({ accountId: 'a1', createdAt: '2026-01-01T00:00:00Z', extra: 1 }),
    ).toEqual({ accountId: 'a1', createdAt: '2026-01-01T00:00:00Z' });
  });

  it.each([
    null,
    'a1',
    42,
    {},
    { accountId: '', createdAt: 'x' },
    { accountId: 1, createdAt: 'x' },
    { accountId: 'a1' },
  ])('refuses %j', (json) => {
    expect(parseAccountResponse(json)).toBeUndefined();
  });
});

describe('parseErrorBody', () => {
  const valid = {
    error: { code: 'rate_limited', message: 'Slow down.', retryable: true, requestId: 'r1' },
  };

  it('accepts the documented shape', () => {
    expect(parseErrorBody(valid)).toEqual(valid);
  });

  it.each([
    null,
    {},
    { error: null },
    { error: { ...valid.error, code: 'teapot' } },
    { error: { ...valid.error, retryable: 'yes' } },
    { error: { ...valid.error, requestId: undefined } },
  ])('refuses %j', (json) => {
    expect(parseErrorBody(json)).toBeUndefined();
  });
});

describe('error codes', () => {
  it('gives every code a 4xx or 5xx status', () => {
    for (const status of Object.values(errorStatus)) {
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(600);
    }
  });

  it('marks only busy or unavailable answers as retryable', () => {
    expect([...retryableErrorCodes].map((code) => errorStatus[code]).sort()).toEqual([
      429, 500, 503, 503,
    ]);
    expect(retryableErrorCodes.has('csrf_rejected')).toBe(false);
  });

  it('does not take inherited object keys for codes', () => {
    expect(isErrorCode('toString')).toBe(false);
    expect(isErrorCode('unauthenticated')).toBe(true);
  });
});
