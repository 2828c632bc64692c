import type { Clock } from '../clock.js';
import { type Logger, silentLogger } from '../logger.js';
import { type CallPolicy, createCallPolicy, type RetryRules } from './createCallPolicy.js';
import { createPlatformTransport, type PlatformTransport } from './createPlatformTransport.js';
import { createTokenSource, type TokenSource } from './createTokenSource.js';
import { ipTokenPacer } from './ipTokenPacer.js';
import type { PlatformClientOptions } from './PlatformClientOptions.js';
import {
  type ValidatedPlatformOptions,
  validatePlatformOptions,
} from './validatePlatformOptions.js';

/** What a client of the platform calls through: one transport, one call policy, one token source. */
export interface PlatformConnection {
  config: ValidatedPlatformOptions;
  clock: Clock;
  logger: Logger;
  transport: PlatformTransport;
  policy: CallPolicy;
  tokens: TokenSource;
  /** Aborted by `abort()`: what a gate or wait of the client on top ends on. */
  signal: AbortSignal;
  /** Cuts every request, pacing wait and back-off of this connection short; it is unusable afterwards. */
  abort(): void;
}

/**
 * The layers every platform client stands on, built from its options: the account calls and the
 * learning calls differ only in `retries` and in the calls they make on top.
 */
export function connectToPlatform(
  options: PlatformClientOptions,
  retries: (config: ValidatedPlatformOptions) => RetryRules,
): PlatformConnection {
  const config = validatePlatformOptions(options);
  const { clock } = config;
  const logger = options.logger ?? silentLogger;
  const aborter = new AbortController();
  const { signal } = aborter;
  const transport = createPlatformTransport({
    baseUrl: config.baseUrl,
    timeoutMs: config.timeoutMs,
    fetch: config.fetch,
    signal,
    clock,
  });
  const policy = createCallPolicy({
    clock,
    logger,
    signal,
    timeoutMs: config.timeoutMs,
    retryBaseDelayMs: config.retryBaseDelayMs,
    retries: retries(config),
  });
  const tokens = createTokenSource({
    apiKey: config.apiKey,
    apiSecret: config.apiSecret,
    systemExternalUserId: config.systemExternalUserId,
    transport,
    policy,
    // Shared with every other client of this platform in the process: the limit is per IP.
    tokenPacer: ipTokenPacer(config.baseUrl, clock),
    clock,
    signal,
  });
  return { config, clock, logger, transport, policy, tokens, signal, abort: () => aborter.abort() };
}
