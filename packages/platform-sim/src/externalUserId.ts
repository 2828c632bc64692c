import { badField, MAX_TEXT_LENGTH, textLength } from './fields.js';
import { looksLikePii } from './looksLikePii.js';

/** Validates an `external_user_id`; throws a 422 `SimHttpError` with the reason. */
export function checkExternalUserId(value: unknown, rejectPii: boolean): string {
  if (value === undefined) throw badField('external_user_id is required.');
  if (typeof value !== 'string' || value.length === 0 || textLength(value) > MAX_TEXT_LENGTH) {
    throw badField(
      `external_user_id must be a non-empty string of at most ${MAX_TEXT_LENGTH} characters.`,
    );
  }
  if (rejectPii) {
    const kind = looksLikePii(value);
    if (kind) {
      // The value itself is deliberately not echoed: it looks like personal data.
      throw badField(
        `external_user_id looks like ${kind}; external ids must contain no personally identifiable information.`,
      );
    }
  }
  return value;
}

export function duplicateAccountMessage(externalUserId: string): string {
  return `Duplicate account with ${externalUserId}`;
}
