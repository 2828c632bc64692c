import { type LogLevel, logRedactPaths } from '@knewton-kit/bff';
import { type DestinationStream, type Logger as PinoLogger, pino } from 'pino';

export interface ExampleLoggerOptions {
  /** The lowest level written. @default 'info' */
  level?: LogLevel;
  /**
   * Where lines go. @default an asynchronous stdout (sonic-boom): lines written while a write is under way
   * are gathered into the next one, so a request never waits for the disk or the pipe, and an idle server's
   * line appears at once (no minimum buffer length); pino flushes what is left on exit.
   */
  destination?: DestinationStream;
}

/**
 * The example BFF's logger: pino, one JSON object per line (`{"level","time","msg",...}`), with the
 * fields that could carry a secret or an id (cookies, tokens, keys, user and external ids) redacted by
 * pino's `redact` paths. The kit never logs those in the first place; this is the net under a careless
 * host call.
 */
export function createExampleLogger(options: ExampleLoggerOptions = {}): PinoLogger {
  return pino(
    {
      level: options.level ?? 'info',
      // No hostname or pid: they say nothing a log shipper does not already add.
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: [...logRedactPaths], censor: '[redacted]' },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
