export interface PlatformSimOptions {
  /** Partner api key expected in the token endpoint's Basic auth. @default 'sim-api-key' */
  apiKey?: string;
  /** Partner api secret expected in the token endpoint's Basic auth. @default 'sim-api-secret' */
  apiSecret?: string;
  /** External id of the seeded partner-admin ("system") account. @default 'sim-partner-SystemUser' */
  systemExternalUserId?: string;
  /** Lifetime of access tokens in seconds (`expires_in`). @default 3599 */
  tokenTtlSeconds?: number;
  /**
   * Refuse external ids that look like an email address or phone number with 422 (the simulator's
   * choice, not documented platform behaviour). @default true
   */
  rejectPiiExternalIds?: boolean;
  /** Enforce the documented rate limits. @default true */
  rateLimits?: boolean;
  /** Divides every rate-limit window: 60 applies the per-minute limits per second. @default 1 */
  rateLimitScale?: number;
  /** Clock in epoch milliseconds, for tests. @default Date.now */
  now?: () => number;
  /**
   * JSON file that keeps accounts, learning instances and registrations across restarts: read on
   * creation when it exists, rewritten atomically shortly after each change and on `close()`.
   * @default undefined (everything in memory)
   */
  stateFile?: string;
  /**
   * Registrations one learning instance holds before `POST /v0/registrations` answers 422 (the documented
   * entity limit is 500; lower it to test a client's handling of a full instance). @default 500
   */
  maxRegistrationsPerInstance?: number;
}

export interface ResolvedPlatformSimOptions {
  apiKey: string;
  apiSecret: string;
  systemExternalUserId: string;
  tokenTtlSeconds: number;
  rejectPiiExternalIds: boolean;
  rateLimits: boolean;
  rateLimitScale: number;
  now: () => number;
  stateFile: string | undefined;
  maxRegistrationsPerInstance: number;
}

export const defaultPlatformSimOptions = {
  apiKey: 'sim-api-key',
  apiSecret: 'sim-api-secret',
  systemExternalUserId: 'sim-partner-SystemUser',
  tokenTtlSeconds: 3599,
  rejectPiiExternalIds: true,
  rateLimits: true,
  rateLimitScale: 1,
  now: Date.now,
  stateFile: undefined,
  maxRegistrationsPerInstance: 500,
} satisfies ResolvedPlatformSimOptions;

const KNOWN_OPTIONS = new Set(Object.keys(defaultPlatformSimOptions));

/** Validates once, at construction, with messages naming the option; `null` is never accepted. */
export function resolvePlatformSimOptions(
  options: PlatformSimOptions | undefined,
): ResolvedPlatformSimOptions {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new TypeError('createPlatformSim: options must be an object when given.');
  }
  const given = options ?? {};
  for (const key of Object.keys(given)) {
    if (!KNOWN_OPTIONS.has(key)) {
      throw new TypeError(`createPlatformSim: unknown option \`${key}\`.`);
    }
  }
  const resolved: ResolvedPlatformSimOptions = { ...defaultPlatformSimOptions };
  const { apiKey, apiSecret, systemExternalUserId, tokenTtlSeconds } = given;
  const { rejectPiiExternalIds, rateLimits, rateLimitScale, now, stateFile } = given;
  const { maxRegistrationsPerInstance } = given;
  if (apiKey !== undefined) resolved.apiKey = requireCredential('apiKey', apiKey, true);
  if (apiSecret !== undefined)
    resolved.apiSecret = requireCredential('apiSecret', apiSecret, false);
  if (systemExternalUserId !== undefined) {
    if (
      typeof systemExternalUserId !== 'string' ||
      systemExternalUserId.length === 0 ||
      [...systemExternalUserId].length > 256
    ) {
      throw new TypeError(
        'createPlatformSim: `systemExternalUserId` must be a non-empty string of at most 256 characters.',
      );
    }
    resolved.systemExternalUserId = systemExternalUserId;
  }
  if (tokenTtlSeconds !== undefined) {
    if (!Number.isInteger(tokenTtlSeconds) || tokenTtlSeconds < 1) {
      throw new TypeError('createPlatformSim: `tokenTtlSeconds` must be a positive integer.');
    }
    resolved.tokenTtlSeconds = tokenTtlSeconds;
  }
  if (rejectPiiExternalIds !== undefined) {
    resolved.rejectPiiExternalIds = requireBoolean('rejectPiiExternalIds', rejectPiiExternalIds);
  }
  if (rateLimits !== undefined) resolved.rateLimits = requireBoolean('rateLimits', rateLimits);
  if (rateLimitScale !== undefined) {
    resolved.rateLimitScale = requireRateLimitScale('createPlatformSim', rateLimitScale);
  }
  if (now !== undefined) {
    if (typeof now !== 'function') {
      throw new TypeError(
        'createPlatformSim: `now` must be a function returning epoch milliseconds.',
      );
    }
    resolved.now = now;
  }
  if (stateFile !== undefined) {
    if (typeof stateFile !== 'string' || stateFile.length === 0 || stateFile.includes('\0')) {
      throw new TypeError('createPlatformSim: `stateFile` must be a non-empty file path.');
    }
    resolved.stateFile = stateFile;
  }
  if (maxRegistrationsPerInstance !== undefined) {
    if (
      !Number.isInteger(maxRegistrationsPerInstance) ||
      maxRegistrationsPerInstance < 1 ||
      maxRegistrationsPerInstance > 500
    ) {
      throw new TypeError(
        'createPlatformSim: `maxRegistrationsPerInstance` must be an integer from 1 to 500.',
      );
    }
    resolved.maxRegistrationsPerInstance = maxRegistrationsPerInstance;
  }
  return resolved;
}

export function requireRateLimitScale(where: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(`${where}: \`rateLimitScale\` must be a positive finite number.`);
  }
  return value;
}

function requireCredential(name: string, value: unknown, forbidColon: boolean): string {
  // Basic auth splits user and password at the first colon, so a key containing one could never match.
  if (typeof value !== 'string' || value.length === 0 || (forbidColon && value.includes(':'))) {
    throw new TypeError(
      `createPlatformSim: \`${name}\` must be a non-empty string${forbidColon ? ' without a colon' : ''}.`,
    );
  }
  return value;
}

function requireBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw new TypeError(`createPlatformSim: \`${name}\` must be a boolean.`);
  }
  return value;
}
