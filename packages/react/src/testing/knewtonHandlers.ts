import {
  bffPaths,
  CSRF_HEADER,
  CSRF_HEADER_VALUE,
  type ErrorCode,
  KNEWTON_BFF_BASE_PATH,
} from '@knewton-kit/contract';
import { type HttpHandler, HttpResponse, http } from 'msw';
import { knewtonErrorResponse } from './knewtonErrorResponse.js';

/** The id the test helpers answer with unless told otherwise. */
export const testKnewtonAccountId = '00000000-0000-4000-8000-000000000001';

export interface KnewtonHandlersOptions {
  /** Where the routes are mounted, as given to `KnewtonProvider`. @default '/api/knewton' */
  baseUrl?: string;
  /** The account id answered. @default testKnewtonAccountId */
  accountId?: string;
  /** Whether the account exists before the first `PUT` (eager mode's `GET` answers 200). @default false */
  exists?: boolean;
  /**
   * Answer every request with this contract error instead; `'knewton_opted_out'` (403) is an
   * opted-out learner.
   */
  error?: ErrorCode;
  /** `Retry-After` sent with retryable errors. @default 1 */
  retryAfterSeconds?: number;
}

/**
 * MSW handlers that follow the BFF contract for one signed-in user: `GET /account` reads (404
 * `account_not_found` until created), `PUT /account` ensures (201 then 200) and requires `X-CSRF: 1`.
 * Each call has its own state, so create them per test.
 */
export function knewtonHandlers(options: KnewtonHandlersOptions = {}): HttpHandler[] {
  const { accountId = testKnewtonAccountId, error, retryAfterSeconds } = options;
  const url = (options.baseUrl ?? KNEWTON_BFF_BASE_PATH) + bffPaths.account;
  const account = { accountId, createdAt: '2026-01-01T00:00:00.000Z' };
  let exists = options.exists ?? false;
  return [
    http.get(url, () =>
      error || !exists
        ? knewtonErrorResponse(error ?? 'account_not_found', retryAfterSeconds)
        : HttpResponse.json(account),
    ),
    http.put(url, ({ request }) => {
      if (error) return knewtonErrorResponse(error, retryAfterSeconds);
      if (request.headers.get(CSRF_HEADER) !== CSRF_HEADER_VALUE) {
        return knewtonErrorResponse('csrf_rejected');
      }
      const status = exists ? 200 : 201;
      exists = true;
      return HttpResponse.json(account, { status });
    }),
  ];
}
