import { type Clock, systemClock } from '../clock.js';
import type { PlatformFetch } from './createPlatformTransport.js';
import type { PlatformClientOptions, PlatformRateLimits } from './PlatformClientOptions.js';
import { accountCreatesPerMinute, batchCallsPerMinute } from './platformLimits.js';

/** Platform options with their defaults applied and the base URL normalized (no trailing slash). */
export type ValidatedPlatformOptions = Required<
  Omit<PlatformClientOptions, 'fetch' | 'logger' | 'rateLimits' | 'clock'>
> & {
  fetch: PlatformFetch | undefined;
  rateLimits: Required<PlatformRateLimits>;
  clock: Clock;
};

/**
 * Checks the platform options once, at construction, with messages naming the option (under `prefix`,
 * e.g. `platform.timeoutMs`); never quotes a value, as one may be a secret.
 */
export function validatePlatformOptions(
  options: PlatformClientOptions,
  prefix = '',
): ValidatedPlatformOptions {
  if (typeof options !== 'object' || options === null)
    throw new TypeError(`\`${prefix || 'options'}\` must be an object`);
  const name = (key: string) => `\`${prefix ? `${prefix}.` : ''}${key}\``;
  const {
    baseUrl,
    apiKey,
    apiSecret,
    systemExternalUserId,
    timeoutMs = 5000,
    maxRetries = 2,
    maxRateLimitRetries = 5,
    retryBaseDelayMs = 100,
    fetch: fetchImpl,
    rateLimits = {},
    clock = systemClock,
  } = options;
  if (typeof rateLimits !== 'object' || rateLimits === null)
    throw new TypeError(`${name('rateLimits')} must be an object`);
  const {
    accountCreatesPerMinute: creates = accountCreatesPerMinute,
    batchCallsPerMinute: batches = batchCallsPerMinute,
    timeScale = 1,
  } = rateLimits;
  if (!Number.isInteger(creates) || creates < 1)
    throw new TypeError(`${name('rateLimits.accountCreatesPerMinute')} must be a positive integer`);
  if (!Number.isInteger(batches) || batches < 0)
    throw new TypeError(`${name('rateLimits.batchCallsPerMinute')} must be a non-negative integer`);
  if (typeof timeScale !== 'number' || !(timeScale >= 1 && timeScale <= 1000))
    throw new TypeError(`${name('rateLimits.timeScale')} must be a number from 1 to 1000`);
  let parsed: URL | undefined;
  try {
    parsed = typeof baseUrl === 'string' ? new URL(baseUrl) : undefined;
  } catch {}
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new TypeError(`${name('baseUrl')} must be an http(s) URL`);
  }
  // Credentials in the URL would be printed wherever the URL is (start-up lines, errors), and fetch
  // refuses such URLs anyway; the message never quotes the value.
  if (parsed.username !== '' || parsed.password !== '') {
    throw new TypeError(
      `${name('baseUrl')} must not contain credentials; pass them as \`apiKey\` and \`apiSecret\``,
    );
  }
  for (const [key, value] of [
    ['apiKey', apiKey],
    ['apiSecret', apiSecret],
    ['systemExternalUserId', systemExternalUserId],
  ] as const) {
    if (typeof value !== 'string' || value.trim() === '')
      throw new TypeError(`${name(key)} must be a non-empty string`);
  }
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 120_000) {
    throw new TypeError(`${name('timeoutMs')} must be an integer from 1 to 120000`);
  }
  for (const [key, value] of [
    ['maxRetries', maxRetries],
    ['maxRateLimitRetries', maxRateLimitRetries],
  ] as const) {
    if (!Number.isInteger(value) || value < 0 || value > 10)
      throw new TypeError(`${name(key)} must be an integer from 0 to 10`);
  }
  if (!Number.isInteger(retryBaseDelayMs) || retryBaseDelayMs < 1) {
    throw new TypeError(`${name('retryBaseDelayMs')} must be a positive integer`);
  }
  if (fetchImpl !== undefined && typeof fetchImpl !== 'function')
    throw new TypeError(`${name('fetch')} must be a function`);
  if (
    typeof clock !== 'object' ||
    clock === null ||
    typeof clock.now !== 'function' ||
    typeof clock.setTimeout !== 'function' ||
    typeof clock.clearTimeout !== 'function'
  )
    throw new TypeError(`${name('clock')} must have now, setTimeout and clearTimeout functions`);
  return {
    baseUrl: parsed.href.replace(/\/+$/, ''),
    apiKey,
    apiSecret,
    systemExternalUserId,
    timeoutMs,
    maxRetries,
    maxRateLimitRetries,
    retryBaseDelayMs,
    fetch: fetchImpl,
    rateLimits: { accountCreatesPerMinute: creates, batchCallsPerMinute: batches, timeScale },
    clock,
  };
}
