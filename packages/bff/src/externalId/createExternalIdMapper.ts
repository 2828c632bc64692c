import { createHash, createHmac } from 'node:crypto';
import { findPii, looksLikePii } from '@knewton-kit/contract';
import { InvalidExternalIdError } from '../errors.js';

/** The platform's limit on `external_user_id`. */
const maxExternalIdLength = 256;

export interface ExternalIdMapping {
  externalId: string;
  keyVersion: string;
}

/**
 * Turns an app user id into its external id under the newest key (generation 0), with two helpers the
 * privacy lifecycle needs: `forGeneration` (the id after `generation` erasures: the platform never accepts
 * an external id twice) and `userKeys` (what an erasure's tombstone is keyed by instead of the app user id,
 * one per configured key, newest first, so a tombstone written before a rotation is still found).
 */
export interface ExternalIdMapper {
  (appUserId: string): Promise<ExternalIdMapping>;
  forGeneration(appUserId: string, generation: number): Promise<ExternalIdMapping>;
  userKeys(appUserId: string): Promise<string[]>;
}

/** Key version recorded for rows whose external id came from a host's own mapper. */
const customMapperKeyVersion = 'custom';

/** One versioned HMAC key. */
export interface PseudonymKey {
  version: string;
  key: string;
}

export type ExternalIdMapperOptions =
  | { key: string; keyVersion?: string | undefined }
  | { keys: readonly PseudonymKey[] }
  | { map: (appUserId: string) => string | Promise<string> };

/**
 * Turns app user ids into the platform's `external_user_id`.
 * With a key: `base64url(HMAC-SHA256(key, keyVersion + ":" + appUserId))`, stable, anonymous, 43 characters.
 * With `keys` (rotation): the same under the last (newest) key; the older ones stay listed so that
 * tombstones written under them are found (mappings already stored keep their external ids whatever the
 * keys are). After an erasure, generation `n` uses `keyVersion + "/g" + n + ":" + appUserId` (`/` never
 * appears in a key version, so no two users or generations share an input).
 * With a host mapper: its output, checked; values that are empty, too long or look like PII (`findPii`:
 * emails also disguised or encoded, phone numbers, card numbers, IBANs, national ids) are refused.
 * Generation `n` appends `~g<n>` to it.
 */
export function createExternalIdMapper(options: ExternalIdMapperOptions): ExternalIdMapper {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('`externalIds` must be an object');
  if ('map' in options && options.map !== undefined) {
    if ('key' in options || 'keys' in options)
      throw new TypeError('`externalIds` takes either `key`/`keys` or `map`, not both');
    return customMapper(options.map);
  }
  const keys = readKeys(options as Record<string, unknown>);
  const newest = keys[keys.length - 1] as PseudonymKey;
  const hmac = (key: string, input: string) =>
    createHmac('sha256', key).update(input, 'utf8').digest('base64url');
  const forGeneration = async (appUserId: string, generation: number) => {
    checkGeneration(generation);
    const prefix = generation === 0 ? newest.version : `${newest.version}/g${generation}`;
    return { externalId: hmac(newest.key, `${prefix}:${appUserId}`), keyVersion: newest.version };
  };
  const mapper = (appUserId: string) => forGeneration(appUserId, 0);
  return Object.assign(mapper, {
    forGeneration,
    userKeys: async (appUserId: string) =>
      [...keys]
        .reverse()
        .map(({ version, key }) => `${version}:${hmac(key, `${version}/erased:${appUserId}`)}`),
  });
}

const keyVersionPattern = /^[A-Za-z0-9_.-]{1,32}$/;

/** `{ key, keyVersion }` or `{ keys }`, checked: every key at least 32 bytes, versions unique. */
function readKeys(options: Record<string, unknown>): PseudonymKey[] {
  if ('keys' in options && options.keys !== undefined) {
    if ('key' in options)
      throw new TypeError('`externalIds` takes either `key` or `keys`, not both');
    const { keys } = options;
    if (!Array.isArray(keys) || keys.length === 0)
      throw new TypeError('`externalIds.keys` must be a non-empty array of { version, key }');
    const seen = new Set<string>();
    return keys.map((entry: unknown, index) => {
      const { version, key } = (entry ?? {}) as Record<string, unknown>;
      checkKey(key, `\`externalIds.keys[${index}].key\``);
      checkVersion(version, `\`externalIds.keys[${index}].version\``);
      if (seen.has(version as string))
        throw new TypeError(`\`externalIds.keys\` lists version ${version as string} twice`);
      seen.add(version as string);
      return { version: version as string, key: key as string };
    });
  }
  const { key, keyVersion = 'v1' } = options;
  checkKey(key, '`externalIds.key`');
  checkVersion(keyVersion, '`externalIds.keyVersion`');
  return [{ version: keyVersion as string, key: key as string }];
}

function checkKey(key: unknown, name: string): void {
  if (typeof key !== 'string' || Buffer.byteLength(key, 'utf8') < 32)
    throw new TypeError(`${name} must be a string of at least 32 bytes`);
}

function checkVersion(version: unknown, name: string): void {
  if (
    typeof version !== 'string' ||
    !keyVersionPattern.test(version) ||
    version === customMapperKeyVersion
  ) {
    throw new TypeError(
      `${name} must be 1-32 letters, digits, \`.\`, \`_\` or \`-\` (not \`custom\`)`,
    );
  }
}

function checkGeneration(generation: number): void {
  if (!Number.isInteger(generation) || generation < 0)
    throw new TypeError('An external id generation must be a non-negative integer');
}

function customMapper(map: unknown): ExternalIdMapper {
  if (typeof map !== 'function') throw new TypeError('`externalIds.map` must be a function');
  const mapped = async (appUserId: string) => {
    const externalId = await (map as (id: string) => string | Promise<string>)(appUserId);
    checkCustomExternalId(externalId, appUserId);
    return externalId;
  };
  const forGeneration = async (appUserId: string, generation: number) => {
    checkGeneration(generation);
    const base = await mapped(appUserId);
    const externalId = generation === 0 ? base : `${base}~g${generation}`;
    checkCustomExternalId(externalId, appUserId);
    return { externalId, keyVersion: customMapperKeyVersion };
  };
  return Object.assign((appUserId: string) => forGeneration(appUserId, 0), {
    forGeneration,
    // The host's own pseudonym, hashed: the tombstone never holds the app user id nor the external id.
    userKeys: async (appUserId: string) => [
      `custom:${createHash('sha256')
        .update(`knewton-erasure:${await mapped(appUserId)}`)
        .digest('base64url')}`,
    ],
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
