import { type ErrorCode, errorStatus, retryableErrorCodes } from '@knewton-kit/contract';
import { describe, expect, it } from 'vitest';
import { KnewtonEventsError } from '../learning/KnewtonEventsError.js';
import { KnewtonRecommendationError } from '../learning/KnewtonRecommendationError.js';
import { knewtonErrorBody, knewtonErrorResponse } from '../testing/knewtonErrorResponse.js';
import { isKnewtonAccountError, isKnewtonError } from './isKnewtonAccountError.js';
import { KnewtonAccountError } from './KnewtonAccountError.js';
import { KnewtonError } from './KnewtonError.js';
import { toKnewtonError } from './toKnewtonError.js';

const toKnewtonAccountError = (...args: [string, Response?, unknown?, unknown?]) =>
  toKnewtonError(KnewtonAccountError, ...args);

const where = 'PUT /api/knewton/account';

describe('toKnewtonError', () => {
  it.each(Object.keys(errorStatus) as ErrorCode[])(
    'carries %s with its status, request id and the contract retryability',
    (code) => {
      const error = toKnewtonAccountError(
        where,
        knewtonErrorResponse(code, 7),
        knewtonErrorBody(code),
      );
      expect(error).toBeInstanceOf(KnewtonAccountError);
      expect(error).toMatchObject({
        name: 'KnewtonAccountError',
        code,
        status: errorStatus[code],
        requestId: 'test-request',
        retryable: retryableErrorCodes.has(code),
        retryAfterMs: retryableErrorCodes.has(code) ? 7000 : undefined,
      });
      expect(error.message).toBe(`${where} failed: ${code}`);
    },
  );

  it('reports no answer as a retryable network_error with its cause', () => {
    const cause = new TypeError('Failed to fetch');
    const error = toKnewtonAccountError(where, undefined, undefined, cause);
    expect(error).toMatchObject({
      code: 'network_error',
      status: undefined,
      retryable: true,
      cause,
    });
    expect(error.message).toBe(`${where} failed: network_error`);
  });

  it('reports a body outside the contract as invalid_response, retryable only for 5xx', () => {
    const html = toKnewtonAccountError(where, new Response('<html>', { status: 200 }), undefined);
    expect(html).toMatchObject({ code: 'invalid_response', status: 200, retryable: false });
    const proxy = toKnewtonAccountError(where, new Response('', { status: 502 }), { error: 'x' });
    expect(proxy).toMatchObject({ code: 'invalid_response', status: 502, retryable: true });
  });

  it('ignores a Retry-After that is not a number of seconds', () => {
    const response = new Response('', {
      status: 503,
      headers: { 'Retry-After': 'Wed, 21 Oct 2026 07:28:00 GMT' },
    });
    expect(toKnewtonAccountError(where, response).retryAfterMs).toBeUndefined();
  });
});

describe('isKnewtonAccountError', () => {
  const rateLimited = toKnewtonAccountError(
    where,
    knewtonErrorResponse('rate_limited'),
    knewtonErrorBody('rate_limited'),
  );

  it('recognises kit errors, and narrows to the codes given', () => {
    expect(isKnewtonAccountError(rateLimited)).toBe(true);
    expect(isKnewtonAccountError(rateLimited, 'rate_limited')).toBe(true);
    expect(isKnewtonAccountError(rateLimited, 'knewton_unavailable', 'store_unavailable')).toBe(
      false,
    );
  });

  it('holds for an error from another copy of the kit, by name', () => {
    const foreign = Object.assign(new Error('x'), {
      name: 'KnewtonAccountError',
      code: 'unauthenticated',
    });
    expect(isKnewtonAccountError(foreign, 'unauthenticated')).toBe(true);
  });

  it.each([undefined, null, 'KnewtonAccountError', new Error('x'), { name: 'Other' }])(
    'refuses %s',
    (value) => {
      expect(isKnewtonAccountError(value)).toBe(false);
    },
  );
});

describe('the error family', () => {
  const unavailable = () => knewtonErrorResponse('knewton_unavailable');
  const body = knewtonErrorBody('knewton_unavailable');

  it.each([
    [KnewtonAccountError, 'KnewtonAccountError', true],
    [KnewtonRecommendationError, 'KnewtonRecommendationError', false],
    [KnewtonEventsError, 'KnewtonEventsError', false],
  ] as const)('names the failure %#: %s', (Failure, name, isAccount) => {
    const error = toKnewtonError<KnewtonError>(Failure, 'GET /x', unavailable(), body);
    expect(error).toBeInstanceOf(KnewtonError);
    expect(error.name).toBe(name);
    expect(isKnewtonError(error, 'knewton_unavailable')).toBe(true);
    expect(isKnewtonAccountError(error)).toBe(isAccount);
  });

  it('reads an error body outside the contract as invalid_response', () => {
    const unknownCode = {
      error: { code: 'teapot', message: 'x', retryable: false, requestId: 'r' },
    };
    const error = toKnewtonError(
      KnewtonAccountError,
      'GET /x',
      new Response('', { status: 418 }),
      unknownCode,
    );
    expect(error).toMatchObject({ code: 'invalid_response', status: 418, requestId: undefined });
  });
});
