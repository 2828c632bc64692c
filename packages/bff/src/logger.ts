/**
 * Logging in pino's shape, so a host's pino logger (JSON lines, asynchronous writes, redaction) is a
 * `Logger` as it is and the kit writes none of its own. The kit's calls never carry app user ids, external
 * ids, tokens or secrets (request ids, routes and account ids at most).
 */
/** One level of a `Logger`, with pino's call signature: fields first, message second, or a message alone. */
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

/** A logger that drops everything (the default when none is given). */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
