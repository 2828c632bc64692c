import { createHmac } from 'node:crypto';
import { findPii, looksLikePii } from '@knewton-kit/contract';
import { InvalidExternalIdError } from '../errors.js';

/** The platform's limit on `external_user_id`. */
const maxExternalIdLength = 256;

export interface ExternalIdMapping {
  externalId: string;
  keyVersion: string;
}

export type ExternalIdMapper = (appUserId: string) => Promise<ExternalIdMapping>;

/** Key version recorded for rows whose external id came from a host's own mapper. */
const customMapperKeyVersion = 'custom';

export type ExternalIdMapperOptions =
  | { key: string; keyVersion?: string }
  | { map: (appUserId: string) => string | Promise<string> };

/**
 * Turns app user ids into the platform's `external_user_id`.
 * With a key: `base64url(HMAC-SHA256(key, keyVersion + ":" + appUserId))`, stable, anonymous, 43 characters.
 * With a host mapper: its output, checked; values that are empty, too long or look like PII (`findPii`:
 * emails also disguised or encoded, phone numbers, card numbers, IBANs, national ids) are refused.
 */
export function createExternalIdMapper(options: ExternalIdMapperOptions): ExternalIdMapper {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('`externalIds` must be an object');
  if ('map' in options && options.map !== undefined) {
    if ('key' in options)
      throw new TypeError('`externalIds` takes either `key` or `map`, not both');
    const { map } = options;
    if (typeof map !== 'function') throw new TypeError('`externalIds.map` must be a function');
    return async (appUserId) => {
      const externalId = await map(appUserId);
      checkCustomExternalId(externalId, appUserId);
      return { externalId, keyVersion: customMapperKeyVersion };
    };
  }
  const { key, keyVersion = 'v1' } = options as { key?: unknown; keyVersion?: unknown };
  if (typeof key !== 'string' || Buffer.byteLength(key, 'utf8') < 32) {
    throw new TypeError('`externalIds.key` must be a string of at least 32 bytes');
  }
  if (
    typeof keyVersion !== 'string' ||
    !/^[A-Za-z0-9_.-]{1,32}$/.test(keyVersion) ||
    keyVersion === customMapperKeyVersion
  ) {
    throw new TypeError(
      '`externalIds.keyVersion` must be 1-32 letters, digits, `.`, `_` or `-` (not `custom`)',
    );
  }
  return async (appUserId) => ({
    externalId: createHmac('sha256', key)
      .update(`${keyVersion}:${appUserId}`, 'utf8')
      .digest('base64url'),
    keyVersion,
  });
}

function checkCustomExternalId(
  externalId: unknown,
  appUserId: string,
): asserts externalId is string {
  // Messages never quote the value: it may be the very PII we refuse to spread.
  if (typeof externalId !== 'string' || externalId.trim() === '') {
    throw new InvalidExternalIdError(
      'The external id mapper returned an empty or non-string value',
    );
  }
  if (externalId.length > maxExternalIdLength) {
    throw new InvalidExternalIdError(
      `The external id mapper returned more than ${maxExternalIdLength} characters`,
    );
  }
  // A safety net, not a proof: the HMAC mapper (`externalIds.key`) is the way to ids without PII.
  const kind = findPii(externalId);
  if (kind !== undefined) {
    throw new InvalidExternalIdError(
      `The external id mapper returned a value that looks like PII (${kind.replace('_', ' ')})`,
    );
  }
  if (appUserId !== '' && externalId.includes(appUserId) && looksLikePii(appUserId)) {
    throw new InvalidExternalIdError(
      'The external id mapper returned the raw app user id, which looks like PII',
    );
  }
  // The platform keys accounts by this value forever; a control character is certainly a bug.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point.
  if (/[\u0000-\u001f\u007f]/.test(externalId)) {
    throw new InvalidExternalIdError('The external id mapper returned control characters');
  }
}
