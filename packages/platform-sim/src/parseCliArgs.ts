import { parseArgs } from 'node:util';
import type { PlatformSimOptions } from './platformSimOptions.js';

export interface CliConfig {
  port: number;
  hostname: string;
  options: PlatformSimOptions;
}

export type CliParseResult =
  | { kind: 'run'; config: CliConfig }
  | { kind: 'help' }
  | { kind: 'error'; message: string };

export const CLI_USAGE = `Usage: platform-sim [options]
  --port <n>                        port to listen on, 0 for a free one (default 4010)
  --host <name>                     interface to bind (default 127.0.0.1)
  --api-key <key>                   partner api key (default sim-api-key)
  --api-secret <secret>             partner api secret (default sim-api-secret)
  --system-external-user-id <id>    external id of the seeded partner admin (default sim-partner-SystemUser)
  --token-ttl <seconds>             access token lifetime (default 3599)
  --rate-limit-scale <n>            divide rate-limit windows by n (default 1)
  --no-rate-limits                  switch the rate limits off
  --allow-pii-external-ids          accept external ids that look like emails or phone numbers
  --state-file <path>               keep accounts, learning instances and registrations in this JSON file
                                    across restarts (default: in memory only)
  --help                            show this help`;

/** Turns command-line flags into a config, or one clear error line (never throws). */
export function parseCliArgs(args: string[]): CliParseResult {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'api-key': { type: 'string' },
        'api-secret': { type: 'string' },
        'system-external-user-id': { type: 'string' },
        'token-ttl': { type: 'string' },
        'rate-limit-scale': { type: 'string' },
        'no-rate-limits': { type: 'boolean' },
        'allow-pii-external-ids': { type: 'boolean' },
        'state-file': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    return {
      kind: 'error',
      message: (error as Error).message.split('\n')[0] ?? 'invalid arguments',
    };
  }
  if (values.help) return { kind: 'help' };

  const port = values.port === undefined ? 4010 : toInteger(String(values.port));
  if (port === undefined || port < 0 || port > 65_535) {
    return { kind: 'error', message: '--port must be an integer from 0 to 65535.' };
  }
  const options: PlatformSimOptions = {};
  for (const [flag, key] of [
    ['api-key', 'apiKey'],
    ['api-secret', 'apiSecret'],
    ['system-external-user-id', 'systemExternalUserId'],
    ['state-file', 'stateFile'],
  ] as const) {
    const value = values[flag];
    if (typeof value === 'string') {
      if (value.length === 0) return { kind: 'error', message: `--${flag} must not be empty.` };
      options[key] = value;
    }
  }
  if (typeof values['token-ttl'] === 'string') {
    const ttl = toInteger(values['token-ttl']);
    if (ttl === undefined || ttl < 1) {
      return { kind: 'error', message: '--token-ttl must be a positive integer (seconds).' };
    }
    options.tokenTtlSeconds = ttl;
  }
  if (typeof values['rate-limit-scale'] === 'string') {
    const scale = Number(values['rate-limit-scale']);
    if (!Number.isFinite(scale) || scale <= 0) {
      return { kind: 'error', message: '--rate-limit-scale must be a positive number.' };
    }
    options.rateLimitScale = scale;
  }
  if (values['no-rate-limits']) options.rateLimits = false;
  if (values['allow-pii-external-ids']) options.rejectPiiExternalIds = false;
  const hostname =
    typeof values.host === 'string' && values.host.length > 0 ? values.host : '127.0.0.1';
  return { kind: 'run', config: { port, hostname, options } };
}

function toInteger(text: string): number | undefined {
  return /^\d+$/.test(text) ? Number(text) : undefined;
}
