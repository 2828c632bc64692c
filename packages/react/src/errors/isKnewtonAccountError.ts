import type { KnewtonAccountError, KnewtonAccountErrorCode } from './KnewtonAccountError.js';

/** A kit error with one of the given codes, as `isKnewtonAccountError(error, ...codes)` narrows it. */
export type KnewtonErrorOf<Code extends KnewtonAccountErrorCode> = KnewtonAccountError & {
  readonly code: Code;
};

/**
 * Whether `error` is a kit error, and when codes are given, one with any of those codes. Compares
 * `name` rather than `instanceof`, so it also holds for an error from another copy of the kit.
 *
 * @example isKnewtonAccountError(error, 'knewton_unavailable', 'store_unavailable')
 */
export function isKnewtonAccountError<
  Code extends KnewtonAccountErrorCode = KnewtonAccountErrorCode,
>(error: unknown, ...codes: Code[]): error is KnewtonErrorOf<Code> {
  return (
    (error as Error | undefined)?.name === 'KnewtonAccountError' &&
    (!codes[0] || codes.includes((error as KnewtonAccountError).code as Code))
  );
}
