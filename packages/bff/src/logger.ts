/**
 * Structured logging for the BFF. Callers pass fields; the JSON logger drops secret-bearing keys wherever
 * they appear, so a careless `{ headers }` cannot leak a token. Redaction is a safety net, not a licence:
 * callers never pass app user ids, external ids, tokens or secrets (account ids at most).
 */
/**
 * One level of a `Logger`, with pino's call signature: fields first, message second, or a message alone.
 * A pino logger (or anything shaped like one) is a `Logger` as it is.
 */
export interface LogFn {
  (fields: Record<string, unknown>, message?: string): void;
  (message: string): void;
}

export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Whether `value` can be used as a `Logger`: an object with the four level methods. */
export function isLogger(value: unknown): value is Logger {
  const candidate = value as Partial<Logger> | null | undefined;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    (['debug', 'info', 'warn', 'error'] as const).every(
      (level) => typeof candidate[level] === 'function',
    )
  );
}

const levelRank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Keys (compared without case, `-` and `_`) whose values are replaced by `[redacted]`. */
const redactedKeys = new Set(
  [
    'authorization',
    'cookie',
    'set-cookie',
    'password',
    'secret',
    'apiSecret',
    'api_secret',
    'apiKey',
    'api_key',
    'token',
    'accessToken',
    'access_token',
    'refreshToken',
    'refresh_token',
    'pseudonymKey',
    'key',
    'hmacKey',
    'sessionSecret',
    'session_secret',
    'externalId',
    'external_user_id',
    'externalUserId',
    'appUserId',
    'app_user_id',
    'userId',
  ].map(normalizeKey),
);

function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[-_]/g, '');
}

const maxDepth = 6;

function redact(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (value instanceof Error) {
    // Error messages are ours and carry no secrets; stacks are kept for debugging.
    return { name: value.name, message: value.message, stack: value.stack };
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Date) return value.toISOString();
  if (depth >= maxDepth || seen.has(value)) return '[truncated]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1, seen));
  if (value instanceof Headers) return redact(Object.fromEntries(value), depth, seen);
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] = redactedKeys.has(normalizeKey(key)) ? '[redacted]' : redact(inner, depth + 1, seen);
  }
  return out;
}

/** Redacts secret-bearing keys from a log field object. */
function redactLogFields(fields: Record<string, unknown>): Record<string, unknown> {
  return redact(fields, 0, new WeakSet()) as Record<string, unknown>;
}

/**
 * A logger writing one JSON object per line: `{"time","level","msg",...fields}`.
 * @param write where lines go. @default process.stdout
 * @param level the lowest level written. @default 'info'
 */
export function createJsonLogger(
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  level: LogLevel = 'info',
): Logger {
  if (typeof write !== 'function') throw new TypeError('`write` must be a function (line) => void');
  if (typeof level !== 'string' || !Object.hasOwn(levelRank, level))
    throw new TypeError(`\`level\` must be one of debug, info, warn, error`);
  const threshold = levelRank[level];
  const log =
    (entryLevel: LogLevel): LogFn =>
    (fieldsOrMessage: Record<string, unknown> | string, maybeMessage?: string): void => {
      if (levelRank[entryLevel] < threshold) return;
      const [fields, message] =
        typeof fieldsOrMessage === 'string'
          ? [undefined, fieldsOrMessage]
          : [fieldsOrMessage, maybeMessage];
      const safe = fields ? redactLogFields(fields) : {};
      const { time: _time, level: _level, msg: _msg, ...rest } = safe;
      // Our own keys cannot be overwritten by same-named fields (a field must not forge the level or message).
      write(
        JSON.stringify({
          time: new Date().toISOString(),
          level: entryLevel,
          msg: message,
          ...rest,
        }),
      );
    };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** A logger that drops everything (the default when none is given). */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
