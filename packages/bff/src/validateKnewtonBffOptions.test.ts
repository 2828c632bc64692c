import { describe, expect, it } from 'vitest';
import { createBffRouter } from './http/createBffRouter.js';
import type { KnewtonBffOptions } from './KnewtonBffOptions.js';
import { silentLogger } from './logger.js';
import type { AccountProvisioner } from './provisioning/types.js';
import type { AccountStore } from './store/AccountStore.js';
import { validateKnewtonBffOptions } from './validateKnewtonBffOptions.js';

// Shape-only stand-ins: validation looks at types, never calls them.
const store = {
  findByAppUserId() {},
  withUserLock() {},
  withFreeUserLocks() {},
  ping() {},
  close() {},
} as unknown as AccountStore;
const provisioner = {
  getAccount() {},
  ensureAccount() {},
  checkReadiness() {},
  close() {},
} as unknown as AccountProvisioner;
const core = {
  authenticate: () => undefined,
  platform: {
    baseUrl: 'https://api.knewton.com',
    apiKey: 'k',
    apiSecret: 's',
    systemExternalUserId: 'x',
  },
  store,
  externalIds: { key: 'k'.repeat(32) },
} satisfies KnewtonBffOptions;

function errorFor(options: unknown): string {
  try {
    validateKnewtonBffOptions(options);
  } catch (error) {
    expect(error).toBeInstanceOf(TypeError);
    return (error as Error).message;
  }
  throw new Error('expected a TypeError');
}

describe('validateKnewtonBffOptions', () => {
  it('applies the documented defaults', () => {
    expect(validateKnewtonBffOptions(core)).toMatchObject({
      allowedOrigins: [],
      maxBodyBytes: 65536,
      rateLimits: {
        account: { requests: 30, windowMs: 10_000 },
        recommendation: { requests: 30, windowMs: 10_000 },
        events: { requests: 30, windowMs: 10_000 },
      },
      logger: silentLogger,
      basePath: '/api/knewton',
    });
  });

  it('accepts a ready provisioner instead of the core options', () => {
    expect(validateKnewtonBffOptions({ authenticate: () => 'u', provisioner }).provisioner).toBe(
      provisioner,
    );
  });

  it.each<[string, unknown, string]>([
    ['no options', undefined, 'options must be an object'],
    ['null options', null, 'options must be an object'],
    ['no authenticate', { ...core, authenticate: undefined }, '`authenticate`'],
    ['a string authenticate', { ...core, authenticate: 'cookie' }, '`authenticate`'],
    ['no platform', { ...core, platform: undefined }, '`platform`'],
    ['null platform', { ...core, platform: null }, '`platform`'],
    ['a store that is not one', { ...core, store: {} }, '`store`'],
    ['no externalIds', { ...core, externalIds: undefined }, '`externalIds`'],
    ['a provisioner and a store', { authenticate: () => 'u', provisioner, store }, '`store`'],
    [
      'a provisioner that is not one',
      { authenticate: () => 'u', provisioner: {} },
      '`provisioner`',
    ],
    [
      'allowedOrigins as a string',
      { ...core, allowedOrigins: 'https://a.example' },
      '`allowedOrigins`',
    ],
    [
      'an origin with a path',
      { ...core, allowedOrigins: ['https://a.example/app'] },
      '`allowedOrigins`',
    ],
    [
      'an origin with a trailing slash',
      { ...core, allowedOrigins: ['https://a.example/'] },
      '`allowedOrigins`',
    ],
    ['a wildcard origin', { ...core, allowedOrigins: ['*'] }, '`allowedOrigins`'],
    ['null limits', { ...core, limits: null }, '`limits`'],
    ['a zero body limit', { ...core, limits: { maxBodyBytes: 0 } }, '`limits.maxBodyBytes`'],
    [
      'a fractional body limit',
      { ...core, limits: { maxBodyBytes: 1.5 } },
      '`limits.maxBodyBytes`',
    ],
    ['rateLimit true', { ...core, limits: { rateLimit: true } }, '`limits.rateLimit`'],
    ['rateLimit null', { ...core, limits: { rateLimit: null } }, '`limits.rateLimit`'],
    [
      'zero requests',
      { ...core, limits: { rateLimit: { requests: 0, windowMs: 1 } } },
      '`limits.rateLimit.requests`',
    ],
    [
      'no window',
      { ...core, limits: { rateLimit: { requests: 5 } } },
      '`limits.rateLimit.windowMs`',
    ],
    [
      'a logger without error()',
      { ...core, logger: { debug() {}, info() {}, warn() {} } },
      '`logger`',
    ],
    ['console.log as logger', { ...core, logger: console.log }, '`logger`'],
    ['a basePath with a trailing slash', { ...core, basePath: '/api/' }, '`basePath`'],
    ['a basePath without a leading slash', { ...core, basePath: 'api' }, '`basePath`'],
    ['a basePath with a parameter', { ...core, basePath: '/api/:tenant' }, '`basePath`'],
  ])('refuses %s, naming the option', (_, options, name) => {
    expect(errorFor(options)).toContain(name);
  });

  it('accepts the rate limit turned off and the routes at the root', () => {
    expect(
      validateKnewtonBffOptions({ ...core, limits: { rateLimit: false }, basePath: '' }),
    ).toMatchObject({
      rateLimits: { account: false, recommendation: false, events: false },
      basePath: '',
    });
  });

  it("sets one route's rate limit and keeps the default on the others", () => {
    expect(
      validateKnewtonBffOptions({
        ...core,
        limits: { rateLimit: { events: { requests: 5, windowMs: 1000 }, recommendation: false } },
      }).rateLimits,
    ).toEqual({
      account: { requests: 30, windowMs: 10_000 },
      recommendation: false,
      events: { requests: 5, windowMs: 1000 },
    });
    expect(errorFor({ ...core, limits: { rateLimit: { accounts: false } } })).toContain(
      '`limits.rateLimit.accounts` is not a route',
    );
    expect(
      errorFor({ ...core, limits: { rateLimit: { events: { requests: 0, windowMs: 1 } } } }),
    ).toContain('`limits.rateLimit.events.requests`');
  });
});

describe('createBffRouter options', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['a missing logger', { logger: undefined }, '`logger`'],
    ['allowedOrigins as a string', { allowedOrigins: 'https://a.example' }, '`allowedOrigins`'],
    [
      'an origin with a trailing slash',
      { allowedOrigins: ['https://a.example/'] },
      '`allowedOrigins`',
    ],
    ['a wildcard origin', { allowedOrigins: ['*'] }, '`allowedOrigins`'],
    ['a zero body limit', { maxBodyBytes: 0 }, '`maxBodyBytes`'],
    ['a basePath with a trailing slash', { basePath: '/api/' }, '`basePath`'],
  ])('refuses %s, naming the option', (_, override, name) => {
    const options = {
      logger: silentLogger,
      allowedOrigins: [],
      maxBodyBytes: 1024,
      basePath: '/api',
      ...override,
    };
    expect(() => createBffRouter(options as never)).toThrow(name);
  });
});
