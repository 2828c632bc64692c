import type { KnewtonAccountError } from './KnewtonAccountError.js';
import type { KnewtonError, KnewtonErrorCode } from './KnewtonError.js';

/** A kit error with one of the given codes, as `isKnewtonAccountError(error, ...codes)` narrows it. */
export type KnewtonErrorOf<
  Code extends KnewtonErrorCode,
  E extends KnewtonError = KnewtonAccountError,
> = E & { readonly code: Code };

const family = ['KnewtonAccountError', 'KnewtonRecommendationError', 'KnewtonEventsError'];

/**
 * Whether `error` is any of the kit's errors, and when codes are given, one with any of those codes.
 * Compares `name` rather than `instanceof`, so it also holds for an error from another copy of the kit.
 *
 * @example isKnewtonError(error, 'knewton_unavailable', 'store_unavailable')
 */
export function isKnewtonError<Code extends KnewtonErrorCode = KnewtonErrorCode>(
  error: unknown,
  ...codes: Code[]
): error is KnewtonErrorOf<Code, KnewtonError> {
  return family.includes((error as Error | undefined)?.name as string) && hasCode(error, codes);
}

/** Like `isKnewtonError`, for the account's failures only (what gates and `useKnewtonAccount` give). */
export function isKnewtonAccountError<Code extends KnewtonErrorCode = KnewtonErrorCode>(
  error: unknown,
  ...codes: Code[]
): error is KnewtonErrorOf<Code> {
  return (error as Error | undefined)?.name === 'KnewtonAccountError' && hasCode(error, codes);
}

const hasCode = (error: unknown, codes: readonly KnewtonErrorCode[]) =>
  codes.length === 0 || codes.includes((error as KnewtonError).code);
