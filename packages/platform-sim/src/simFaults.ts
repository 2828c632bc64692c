export interface SimFaults {
  /** Delay every `/v0` answer by this many milliseconds (0–60000). */
  latencyMs?: number;
  /** Fraction (0–1) of `/v0` requests answered with `errorStatus` before anything is processed. */
  errorRate?: number;
  /** Status of injected errors (400–599); 429 answers exactly like a real rate limit. @default 503 */
  errorStatus?: number;
  /** `/v0` requests never answer until the faults are changed or the client gives up. */
  hang?: boolean;
  /** Account creations are committed, then the connection is destroyed without an answer. */
  dropAfterCreate?: boolean;
  /** Account deletions are committed, then the connection is destroyed without an answer (a lost `DELETE`). */
  dropAfterDelete?: boolean;
  /** Overrides the `rateLimitScale` option while set. */
  rateLimitScale?: number;
  /** One-off action: every access token issued so far answers 401 from now on (new tokens work). */
  expireTokens?: boolean;
}

const FAULT_KEYS = new Set([
  'latencyMs',
  'errorRate',
  'errorStatus',
  'hang',
  'dropAfterCreate',
  'dropAfterDelete',
  'rateLimitScale',
  'expireTokens',
]);

/** Checks a faults object from `setFaults` or `PUT /__sim/faults`; throws a `TypeError` naming the field. */
export function parseSimFaults(input: unknown): SimFaults {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new TypeError('faults must be a JSON object (`{}` clears them).');
  }
  const record = input as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!FAULT_KEYS.has(key)) throw new TypeError(`unknown fault \`${key}\`.`);
  }
  const faults: SimFaults = {};
  const {
    latencyMs,
    errorRate,
    errorStatus,
    hang,
    dropAfterCreate,
    dropAfterDelete,
    rateLimitScale,
    expireTokens,
  } = record;
  if (latencyMs !== undefined) {
    if (
      !Number.isInteger(latencyMs) ||
      (latencyMs as number) < 0 ||
      (latencyMs as number) > 60_000
    ) {
      throw new TypeError('`latencyMs` must be an integer from 0 to 60000.');
    }
    faults.latencyMs = latencyMs as number;
  }
  if (errorRate !== undefined) {
    if (typeof errorRate !== 'number' || !(errorRate >= 0 && errorRate <= 1)) {
      throw new TypeError('`errorRate` must be a number from 0 to 1.');
    }
    faults.errorRate = errorRate;
  }
  if (errorStatus !== undefined) {
    if (
      !Number.isInteger(errorStatus) ||
      (errorStatus as number) < 400 ||
      (errorStatus as number) > 599
    ) {
      throw new TypeError('`errorStatus` must be an integer from 400 to 599.');
    }
    faults.errorStatus = errorStatus as number;
  }
  if (hang !== undefined) faults.hang = requireBoolean('hang', hang);
  if (dropAfterCreate !== undefined) {
    faults.dropAfterCreate = requireBoolean('dropAfterCreate', dropAfterCreate);
  }
  if (dropAfterDelete !== undefined) {
    faults.dropAfterDelete = requireBoolean('dropAfterDelete', dropAfterDelete);
  }
  if (expireTokens !== undefined)
    faults.expireTokens = requireBoolean('expireTokens', expireTokens);
  if (rateLimitScale !== undefined) {
    if (
      typeof rateLimitScale !== 'number' ||
      !Number.isFinite(rateLimitScale) ||
      rateLimitScale <= 0
    ) {
      throw new TypeError('`rateLimitScale` must be a positive finite number.');
    }
    faults.rateLimitScale = rateLimitScale;
  }
  return faults;
}

function requireBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`\`${name}\` must be a boolean.`);
  return value;
}
