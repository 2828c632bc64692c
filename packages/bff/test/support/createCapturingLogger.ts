import { pino } from 'pino';
import type { Logger } from '../../src/logger.js';
import { logRedactPaths } from '../../src/logRedactPaths.js';

/**
 * A pino logger at `debug` that pushes each JSON line into `lines`, configured as a host would (the
 * kit's redact paths, level labels): tests see exactly what a pino user's log would hold.
 */
export function createCapturingLogger(lines: string[]): Logger {
  return pino(
    {
      level: 'debug',
      base: undefined,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: [...logRedactPaths], censor: '[redacted]' },
    },
    { write: (line: string) => lines.push(line.trimEnd()) },
  );
}
