import { KNEWTON_BFF_BASE_PATH } from '@knewton-kit/contract';
import type { RateLimitOptions } from './http/createRateLimiter.js';
import { type RouteRateLimits, rateLimitedRoutes } from './http/createUserRateLimits.js';
import { isOrigin } from './http/isOrigin.js';
import type { KnewtonBffOptions } from './KnewtonBffOptions.js';
import { isLogger, type Logger, silentLogger } from './logger.js';

/** Options after validation, with every default applied. */
export interface ResolvedKnewtonBffOptions {
  authenticate: KnewtonBffOptions['authenticate'];
  provisioner: KnewtonBffOptions['provisioner'];
  platform: KnewtonBffOptions['platform'];
  store: KnewtonBffOptions['store'];
  externalIds: KnewtonBffOptions['externalIds'];
  allowedOrigins: readonly string[];
  maxBodyBytes: number;
  rateLimits: RouteRateLimits;
  logger: Logger;
  basePath: string;
}

const defaultLimits = {
  // 100 learning events (the contract's most per request) are about 18 KB of JSON.
  maxBodyBytes: 64 * 1024,
  rateLimit: { requests: 30, windowMs: 10_000 },
} as const;

function fail(message: string): never {
  throw new TypeError(`createKnewtonBff: ${message}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

function hasMethods(value: unknown, names: readonly string[]): boolean {
  return isObject(value) && names.every((name) => typeof value[name] === 'function');
}

/** Checks every option once, at construction, naming the option that is wrong and how to fix it. */
export function validateKnewtonBffOptions(options: unknown): ResolvedKnewtonBffOptions {
  if (!isObject(options)) fail('options must be an object.');
  const {
    authenticate,
    provisioner,
    platform,
    store,
    externalIds,
    allowedOrigins = [],
    limits = {},
    logger = silentLogger,
    basePath = KNEWTON_BFF_BASE_PATH,
  } = options as Partial<Record<keyof KnewtonBffOptions, unknown>>;

  if (typeof authenticate !== 'function') {
    fail('`authenticate` must be a function (request) => appUserId | undefined.');
  }

  if (provisioner !== undefined) {
    if (!hasMethods(provisioner, ['getAccount', 'ensureAccount', 'checkReadiness', 'close'])) {
      fail('`provisioner` must be the result of createAccountProvisioner().');
    }
    for (const [name, value] of Object.entries({ platform, store, externalIds })) {
      if (value !== undefined) {
        fail(`give either \`provisioner\` or \`${name}\` (with the other core options), not both.`);
      }
    }
  } else {
    if (!isObject(platform)) {
      fail(
        '`platform` ({ baseUrl, apiKey, apiSecret, systemExternalUserId }) is required without `provisioner`.',
      );
    }
    if (
      !hasMethods(store, ['findByAppUserId', 'withUserLock', 'withFreeUserLocks', 'ping', 'close'])
    ) {
      fail('`store` must come from createPgliteStore() or createPostgresStore().');
    }
    if (!isObject(externalIds)) {
      fail('`externalIds` ({ key }, { keys } or { map }) is required without `provisioner`.');
    }
  }

  if (!Array.isArray(allowedOrigins)) {
    fail('`allowedOrigins` must be an array of origins such as "https://app.example.com".');
  }
  for (const origin of allowedOrigins) {
    if (!isOrigin(origin)) {
      fail(
        `\`allowedOrigins\` entries must be origins (scheme://host[:port], no path or trailing slash), got ${JSON.stringify(origin)}.`,
      );
    }
  }

  if (!isObject(limits)) fail('`limits` must be an object.');
  const { maxBodyBytes = defaultLimits.maxBodyBytes, rateLimit = defaultLimits.rateLimit } = limits;
  if (!isPositiveInteger(maxBodyBytes)) {
    fail('`limits.maxBodyBytes` must be a positive integer (bytes).');
  }
  const rateLimits = resolveRateLimits(rateLimit);

  if (!isLogger(logger)) {
    fail('`logger` must have debug, info, warn and error methods.');
  }

  if (typeof basePath !== 'string' || !/^(\/[\w.~-]+)*$/.test(basePath)) {
    fail('`basePath` must be "" or a path like "/api/knewton" (no trailing slash, no parameters).');
  }

  return {
    authenticate: authenticate as KnewtonBffOptions['authenticate'],
    provisioner: provisioner as KnewtonBffOptions['provisioner'],
    platform: platform as KnewtonBffOptions['platform'],
    store: store as KnewtonBffOptions['store'],
    externalIds: externalIds as KnewtonBffOptions['externalIds'],
    allowedOrigins: [...(allowedOrigins as string[])],
    maxBodyBytes,
    rateLimits,
    logger: logger as Logger,
    basePath,
  };
}

function checkRateLimit(value: unknown, name: string): RateLimitOptions | false {
  if (value === false) return false;
  if (!isObject(value)) fail(`\`${name}\` must be { requests, windowMs } or false.`);
  if (!isPositiveInteger(value.requests)) fail(`\`${name}.requests\` must be a positive integer.`);
  if (!isPositiveInteger(value.windowMs)) {
    fail(`\`${name}.windowMs\` must be a positive integer (milliseconds).`);
  }
  return { requests: value.requests, windowMs: value.windowMs };
}

/** One budget for every route, or an object naming some routes (the others keep the default). */
function resolveRateLimits(rateLimit: unknown): RouteRateLimits {
  const byRoute: RouteRateLimits = {
    account: defaultLimits.rateLimit,
    recommendation: defaultLimits.rateLimit,
    events: defaultLimits.rateLimit,
  };
  if (rateLimit === false || (isObject(rateLimit) && 'requests' in rateLimit)) {
    const every = checkRateLimit(rateLimit, 'limits.rateLimit');
    for (const route of rateLimitedRoutes) byRoute[route] = every;
    return byRoute;
  }
  if (!isObject(rateLimit)) {
    fail('`limits.rateLimit` must be { requests, windowMs }, false, or an object keyed by route.');
  }
  for (const [route, value] of Object.entries(rateLimit)) {
    if (!(rateLimitedRoutes as readonly string[]).includes(route)) {
      fail(
        `\`limits.rateLimit.${route}\` is not a route; the routes are ${rateLimitedRoutes.join(', ')}.`,
      );
    }
    byRoute[route as keyof RouteRateLimits] = checkRateLimit(value, `limits.rateLimit.${route}`);
  }
  return byRoute;
}
