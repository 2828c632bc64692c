/**
 * Structured logging for the BFF, in pino's shape: pass a pino logger (or anything with its call
 * signature) as `logger`. The kit writes no logger of its own: pino does that job (JSON lines,
 * asynchronous writes, redaction); `logRedactPaths` lists the fields a host's pino should redact. Callers
 * never pass app user ids, external ids, tokens or secrets (request ids, routes and account ids at most).
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

/** A logger that drops everything (the default when none is given). */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
