import { describe, expect, it } from 'vitest';
import { ConfigError } from './ConfigError.js';
import { type ExampleBffEnv, parseConfig } from './config.js';

const secret = 'S'.repeat(40);
const pseudonymKey = 'P'.repeat(40);
const remote: ExampleBffEnv = {
  KNEWTON_API_URL: 'https://dev-api.knewton.com/',
  KNEWTON_API_KEY: 'partner-key',
  KNEWTON_API_SECRET: 'partner-secret-value',
  KNEWTON_SYSTEM_EXTERNAL_USER_ID: 'e8efb165-SystemUser',
  KNEWTON_PSEUDONYM_KEY: pseudonymKey,
  SESSION_SECRET: secret,
  ALLOWED_ORIGINS: 'https://app.example.com, https://admin.example.com',
};

function configError(env: ExampleBffEnv): ConfigError {
  try {
    parseConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig with nothing set (development, simulator in-process)', () => {
  it('uses the documented defaults and leaves the secrets to be generated', () => {
    const config = parseConfig({});
    expect(config).toMatchObject({
      port: 8787,
      platform: { kind: 'simulator' },
      database: { kind: 'pglite', dataDir: '.data' },
      dataDir: '.data',
      production: false,
    });
    expect(config.pseudonymKey).toBeUndefined();
    expect(config.sessionSecret).toBeUndefined();
    expect(config.allowedOrigins).toEqual(
      expect.arrayContaining(['http://localhost:5173', 'http://localhost:8787']),
    );
  });

  it('treats blank values as unset', () => {
    expect(parseConfig({ PORT: ' ', KNEWTON_API_URL: '' }).platform.kind).toBe('simulator');
  });

  it('takes PORT, DATA_DIR, DATABASE_URL, ALLOWED_ORIGINS, LOG_LEVEL and SIGN_IN_RATE_LIMIT', () => {
    const config = parseConfig({
      PORT: '0',
      DATA_DIR: '/tmp/kk',
      DATABASE_URL: 'postgres://u:p@db:5432/app',
      ALLOWED_ORIGINS: 'http://localhost:3000',
      LOG_LEVEL: 'WARN',
      SIGN_IN_RATE_LIMIT: '0',
    });
    expect(config).toMatchObject({
      port: 0,
      dataDir: '/tmp/kk',
      database: { kind: 'postgres', connectionString: 'postgres://u:p@db:5432/app' },
      allowedOrigins: ['http://localhost:3000'],
      production: false,
      logLevel: 'warn',
      signInsPerMinute: 0,
    });
  });

  it("takes SESSION_REVALIDATE_MS (0 included), and leaves it to the sessions' 5 s default when unset", () => {
    expect(parseConfig({ SESSION_REVALIDATE_MS: '250' }).sessionRevalidateMs).toBe(250);
    expect(parseConfig({ SESSION_REVALIDATE_MS: '0' }).sessionRevalidateMs).toBe(0);
    expect(parseConfig({}).sessionRevalidateMs).toBeUndefined();
  });

  it('defaults LOG_LEVEL to info and the sign-in limit to 30 a minute', () => {
    expect(parseConfig({})).toMatchObject({ logLevel: 'info', signInsPerMinute: 30 });
  });
});

describe('KNEWTON_GRAPH_ID', () => {
  it("is unset by default (the example BFF then uses the simulator's seeded graph) and taken when given", () => {
    expect(parseConfig({}).graphId).toBeUndefined();
    const graphId = 'gref-072606f8-4898-59f7-b29b-43dfb1d7eb5c';
    expect(parseConfig({ KNEWTON_GRAPH_ID: ` ${graphId} ` }).graphId).toBe(graphId);
    expect(parseConfig({ ...remote, KNEWTON_GRAPH_ID: graphId }).graphId).toBe(graphId);
  });

  it("takes the graph's module ids from KNEWTON_GRAPH_MODULE_IDS, comma-separated", () => {
    expect(parseConfig({}).moduleIds).toBeUndefined();
    expect(parseConfig({ KNEWTON_GRAPH_MODULE_IDS: 'mref-a, mref-b,' }).moduleIds).toEqual([
      'mref-a',
      'mref-b',
    ]);
  });
});

describe('parseConfig with a real platform', () => {
  it('reads every value', () => {
    expect(parseConfig(remote)).toMatchObject({
      platform: {
        kind: 'remote',
        baseUrl: 'https://dev-api.knewton.com',
        apiKey: 'partner-key',
        apiSecret: 'partner-secret-value',
        systemExternalUserId: 'e8efb165-SystemUser',
      },
      pseudonymKey,
      sessionSecret: secret,
      allowedOrigins: ['https://app.example.com', 'https://admin.example.com'],
    });
  });

  it.each([
    'KNEWTON_API_KEY',
    'KNEWTON_API_SECRET',
    'KNEWTON_SYSTEM_EXTERNAL_USER_ID',
    'KNEWTON_PSEUDONYM_KEY',
    'SESSION_SECRET',
    'ALLOWED_ORIGINS',
  ] as const)('requires %s', (name) => {
    const error = configError({ ...remote, [name]: undefined });
    expect(error.variable).toBe(name);
    expect(error.message).toContain(name);
    expect(error.message).toContain('required');
  });
});

describe('parseConfig for a command-line tool (servesBrowsers: false, as pnpm backfill reads it)', () => {
  const cli = { servesBrowsers: false };
  const { ALLOWED_ORIGINS: _origins, SESSION_SECRET: _session, ...withoutBrowserSettings } = remote;

  it.each([
    ['a real platform', withoutBrowserSettings],
    ['NODE_ENV=production', { ...withoutBrowserSettings, NODE_ENV: 'production' }],
  ] as const)('needs neither ALLOWED_ORIGINS nor SESSION_SECRET with %s', (_, env) => {
    const config = parseConfig(env, cli);
    expect(config.allowedOrigins).toEqual([]);
    expect(config.sessionSecret).toBeUndefined();
    expect(config.servesBrowsers).toBe(false);
  });

  it('still requires what it uses, and still checks browser settings that are given', () => {
    let missingKey: ConfigError | undefined;
    try {
      parseConfig({ ...withoutBrowserSettings, KNEWTON_PSEUDONYM_KEY: undefined }, cli);
    } catch (error) {
      missingKey = error as ConfigError;
    }
    expect(missingKey?.problems.map((problem) => problem.variable)).toEqual([
      'KNEWTON_PSEUDONYM_KEY',
    ]);
    expect(() =>
      parseConfig({ ...withoutBrowserSettings, ALLOWED_ORIGINS: 'not an origin' }, cli),
    ).toThrow(/ALLOWED_ORIGINS must be/);
  });
});

describe('NODE_ENV=production: no development fallback', () => {
  const production: ExampleBffEnv = { ...remote, NODE_ENV: 'production' };

  it('reads a complete production environment', () => {
    expect(parseConfig(production)).toMatchObject({
      production: true,
      platform: { kind: 'remote' },
    });
  });

  it('names every missing variable, one problem each, when nothing is set', () => {
    const error = configError({ NODE_ENV: 'production' });
    expect(error.problems.map((problem) => problem.variable)).toEqual([
      'KNEWTON_API_URL',
      'KNEWTON_API_KEY',
      'KNEWTON_API_SECRET',
      'KNEWTON_SYSTEM_EXTERNAL_USER_ID',
      'KNEWTON_PSEUDONYM_KEY',
      'SESSION_SECRET',
      'ALLOWED_ORIGINS',
    ]);
    for (const problem of error.problems) {
      expect(problem.message).toContain(problem.variable);
      expect(problem.message).toContain('NODE_ENV=production');
      expect(problem.message).not.toContain('\n');
    }
  });

  it.each([
    'KNEWTON_API_URL',
    'KNEWTON_API_KEY',
    'KNEWTON_API_SECRET',
    'KNEWTON_SYSTEM_EXTERNAL_USER_ID',
    'KNEWTON_PSEUDONYM_KEY',
    'SESSION_SECRET',
    'ALLOWED_ORIGINS',
  ] as const)('requires %s, and names only it', (name) => {
    const error = configError({ ...production, [name]: undefined });
    expect(error.problems).toEqual([{ variable: name, message: expect.stringContaining(name) }]);
  });

  it.each([
    'http://localhost:5173',
    'http://127.0.0.1:4173',
    'https://localhost:8443',
    'https://app.localhost',
    'http://[::1]:5173',
    'http://app.example.com',
  ])('refuses the development origin %s', (origin) => {
    const error = configError({
      ...production,
      ALLOWED_ORIGINS: `https://app.example.com,${origin}`,
    });
    expect(error.variable).toBe('ALLOWED_ORIGINS');
    expect(error.message).toContain(origin);
  });
});

describe('malformed values: one line naming the variable, never the value', () => {
  it.each<[string, ExampleBffEnv]>([
    ['PORT', { PORT: 'eighty' }],
    ['PORT', { PORT: '70000' }],
    ['PORT', { PORT: '-1' }],
    ['KNEWTON_API_URL', { ...remote, KNEWTON_API_URL: 'ftp://files.example.com' }],
    ['KNEWTON_API_URL', { ...remote, KNEWTON_API_URL: 'not a url' }],
    ['KNEWTON_API_KEY', { ...remote, KNEWTON_API_KEY: 'has:colon' }],
    ['KNEWTON_PSEUDONYM_KEY', { ...remote, KNEWTON_PSEUDONYM_KEY: 'short-secret-value' }],
    ['SESSION_SECRET', { ...remote, SESSION_SECRET: 'short-secret-value' }],
    [
      'KNEWTON_PSEUDONYM_KEYS',
      { KNEWTON_PSEUDONYM_KEYS: `v1:${'k'.repeat(40)},v2:short-secret-value` },
    ],
    ['KNEWTON_PSEUDONYM_KEYS', { KNEWTON_PSEUDONYM_KEYS: 'short-secret-value' }],
    ['KNEWTON_PSEUDONYM_KEYS', { KNEWTON_PSEUDONYM_KEYS: `v1:${pseudonymKey},v1:${secret}` }],
    ['KNEWTON_PSEUDONYM_KEYS', { ...remote, KNEWTON_PSEUDONYM_KEYS: `v2:${secret}` }],
    ['SESSION_SECRET', { SESSION_SECRET: 'short-secret-value' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://root:hunter2-password@db/app' }],
    ['ALLOWED_ORIGINS', { ALLOWED_ORIGINS: 'https://app.example.com/path' }],
    ['ALLOWED_ORIGINS', { ALLOWED_ORIGINS: '*' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'verbose' }],
    ['SIGN_IN_RATE_LIMIT', { SIGN_IN_RATE_LIMIT: 'lots' }],
    ['SIGN_IN_RATE_LIMIT', { SIGN_IN_RATE_LIMIT: '-1' }],
    ['SESSION_REVALIDATE_MS', { SESSION_REVALIDATE_MS: '5s' }],
    ['SESSION_REVALIDATE_MS', { SESSION_REVALIDATE_MS: '86400001' }],
    ['KNEWTON_GRAPH_ID', { KNEWTON_GRAPH_ID: 'algebra' }],
    ['KNEWTON_GRAPH_ID', { KNEWTON_GRAPH_ID: 'gref-with space' }],
    ['KNEWTON_GRAPH_ID', { ...remote, KNEWTON_GRAPH_ID: 'mref-0d7f' }],
    ['KNEWTON_GRAPH_MODULE_IDS', { KNEWTON_GRAPH_MODULE_IDS: 'mref-a,gref-b' }],
    ['KNEWTON_GRAPH_MODULE_IDS', { KNEWTON_GRAPH_MODULE_IDS: ' , ' }],
  ])('%s', (name, env) => {
    const error = configError(env);
    expect(error.variable).toBe(name);
    expect(error.message).toContain(name);
    expect(error.message).not.toContain('\n');
    for (const secretValue of ['short-secret-value', 'hunter2-password', 'has:colon']) {
      expect(error.message).not.toContain(secretValue);
    }
  });
});

describe('KNEWTON_PSEUDONYM_KEYS (key rotation)', () => {
  it('reads versioned keys, oldest first, in place of KNEWTON_PSEUDONYM_KEY', () => {
    const { KNEWTON_PSEUDONYM_KEY: _single, ...rest } = remote;
    const config = parseConfig({
      ...rest,
      KNEWTON_PSEUDONYM_KEYS: `v1:${pseudonymKey}, v2:${secret}`,
    });
    expect(config.pseudonymKeys).toEqual([
      { version: 'v1', key: pseudonymKey },
      { version: 'v2', key: secret },
    ]);
    expect(config.pseudonymKey).toBeUndefined();
  });

  it('keeps the single KNEWTON_PSEUDONYM_KEY working as before', () => {
    expect(parseConfig(remote)).toMatchObject({ pseudonymKey });
    expect(parseConfig(remote).pseudonymKeys).toBeUndefined();
  });
});
