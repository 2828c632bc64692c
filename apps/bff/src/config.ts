// Over 250 lines on purpose: every environment variable of the example BFF is read and checked here, in
// one place, so its start-up errors and the README's configuration table can be compared line by line.
import type { LogLevel } from '@knewton-kit/bff';
import { ConfigError, type ConfigProblem } from './ConfigError.js';
import type { DatabaseConfig, ExampleBffConfig, PlatformConfig } from './ExampleBffConfig.js';
import { isDevelopmentOrigin } from './isDevelopmentOrigin.js';
import { parsePseudonymKeys } from './parsePseudonymKeys.js';

/** The environment variables the example BFF reads. */
export type ExampleBffEnv = Partial<
  Record<
    | 'PORT'
    | 'HOST'
    | 'KNEWTON_API_URL'
    | 'KNEWTON_API_KEY'
    | 'KNEWTON_API_SECRET'
    | 'KNEWTON_SYSTEM_EXTERNAL_USER_ID'
    | 'KNEWTON_PSEUDONYM_KEY'
    | 'KNEWTON_PSEUDONYM_KEYS'
    | 'DATABASE_URL'
    | 'DATA_DIR'
    | 'SESSION_SECRET'
    | 'ALLOWED_ORIGINS'
    | 'LOG_LEVEL'
    | 'SIGN_IN_RATE_LIMIT'
    | 'SESSION_REVALIDATE_MS'
    | 'KNEWTON_GRAPH_ID'
    | 'KNEWTON_GRAPH_MODULE_IDS'
    | 'NODE_ENV',
    string
  >
>;

export const defaultPort = 8787;
export const defaultDataDir = '.data';
/** HMAC keys shorter than this are refused: a guessable key would make external ids reversible. */
export const minSecretBytes = 32;
/** Demo sign-ins one client address may make per minute (`SIGN_IN_RATE_LIMIT`). */
export const defaultSignInsPerMinute = 30;
const logLevels: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** Vite's dev server and preview, on both loopback spellings, when the simulator is used. */
const devOrigins = [
  'http://localhost:5173',
  'http://127.0.0.1:5173',
  'http://localhost:4173',
  'http://127.0.0.1:4173',
];

/** The platform and secret variables a real deployment must set (all of them, or none with the simulator). */
const platformVariables = [
  'KNEWTON_API_KEY',
  'KNEWTON_API_SECRET',
  'KNEWTON_SYSTEM_EXTERNAL_USER_ID',
] as const;

export interface ParseConfigOptions {
  /**
   * `false` for a command-line tool such as `pnpm backfill`: it answers no browser, so the browser-only
   * settings (`ALLOWED_ORIGINS`, `SESSION_SECRET`) are optional there; given, they are still checked.
   * @default true
   */
  servesBrowsers?: boolean;
}

/**
 * Reads the example BFF's configuration from the environment, or throws a `ConfigError` listing every
 * problem found, one line each, naming the variable at fault and never repeating a secret value.
 *
 * Without `KNEWTON_API_URL` the simulator runs in-process and development defaults apply: the secrets may
 * be left out (they are generated and kept in `DATA_DIR`) and `ALLOWED_ORIGINS` defaults to the Vite dev
 * server. With a real `KNEWTON_API_URL` every secret and `ALLOWED_ORIGINS` are required. With
 * `NODE_ENV=production` there is no development fallback at all: `KNEWTON_API_URL` and everything it needs
 * are required, and `ALLOWED_ORIGINS` must be https origins that are not loopback.
 */
export function parseConfig(
  env: ExampleBffEnv,
  { servesBrowsers = true }: ParseConfigOptions = {},
): ExampleBffConfig {
  const problems: ConfigProblem[] = [];
  const problem = (variable: keyof ExampleBffEnv, message: string) => {
    problems.push({ variable, message });
  };
  const production = value(env, 'NODE_ENV') === 'production';
  // Why a value is required, as the operator will read it.
  const because = production ? 'with NODE_ENV=production' : 'when KNEWTON_API_URL is set';

  const port = parsePort(value(env, 'PORT'), problem);
  const hostname = value(env, 'HOST');
  const platform = parsePlatform(env, production, because, problem);
  const simulator = platform?.kind === 'simulator';
  const dataDir = value(env, 'DATA_DIR') ?? defaultDataDir;
  const database = parseDatabase(value(env, 'DATABASE_URL'), dataDir, problem);
  const rawKeys = value(env, 'KNEWTON_PSEUDONYM_KEYS');
  if (rawKeys !== undefined && value(env, 'KNEWTON_PSEUDONYM_KEY') !== undefined) {
    problem(
      'KNEWTON_PSEUDONYM_KEYS',
      'Set KNEWTON_PSEUDONYM_KEY or KNEWTON_PSEUDONYM_KEYS, not both (list the single key as v1:<key> in KNEWTON_PSEUDONYM_KEYS).',
    );
  }
  const pseudonymKeys =
    rawKeys === undefined
      ? undefined
      : parsePseudonymKeys(rawKeys, minSecretBytes, (message) =>
          problem('KNEWTON_PSEUDONYM_KEYS', message),
        );
  const pseudonymKey =
    rawKeys === undefined
      ? parseSecret(env, 'KNEWTON_PSEUDONYM_KEY', !simulator, because, problem)
      : undefined;
  const sessionSecret = parseSecret(
    env,
    'SESSION_SECRET',
    !simulator && servesBrowsers,
    because,
    problem,
  );
  const allowedOrigins = parseOrigins(
    env,
    simulator || !servesBrowsers,
    production,
    because,
    port,
    problem,
  );
  const logLevel = parseLogLevel(value(env, 'LOG_LEVEL'), problem);
  const signInsPerMinute = parseSignInLimit(value(env, 'SIGN_IN_RATE_LIMIT'), problem);
  const graphId = parseGraphId(value(env, 'KNEWTON_GRAPH_ID'), problem);
  const moduleIds = parseModuleIds(value(env, 'KNEWTON_GRAPH_MODULE_IDS'), problem);
  const sessionRevalidateMs = parseRevalidateMs(value(env, 'SESSION_REVALIDATE_MS'), problem);

  const [first, ...more] = problems;
  if (first) throw new ConfigError(first.variable, first.message, more);
  return {
    port,
    ...(hostname === undefined ? {} : { hostname }),
    platform: platform as PlatformConfig,
    database: database as DatabaseConfig,
    dataDir,
    ...(pseudonymKey === undefined ? {} : { pseudonymKey }),
    ...(pseudonymKeys === undefined ? {} : { pseudonymKeys }),
    ...(sessionSecret === undefined ? {} : { sessionSecret }),
    allowedOrigins:
      servesBrowsers || value(env, 'ALLOWED_ORIGINS') !== undefined ? allowedOrigins : [],
    ...(servesBrowsers ? {} : { servesBrowsers }),
    ...(graphId === undefined ? {} : { graphId }),
    ...(moduleIds === undefined ? {} : { moduleIds }),
    production,
    logLevel,
    signInsPerMinute,
    ...(sessionRevalidateMs === undefined ? {} : { sessionRevalidateMs }),
  };
}

type Report = (variable: keyof ExampleBffEnv, message: string) => void;

/** The same shape `createKnewtonBff` accepts for `learning.graphId`: `gref-` and printable ASCII. */
function parseGraphId(raw: string | undefined, problem: Report): string | undefined {
  if (raw === undefined) return undefined;
  if (!/^gref-[\x21-\x7e]{1,200}$/.test(raw)) {
    problem(
      'KNEWTON_GRAPH_ID',
      "KNEWTON_GRAPH_ID must be a knowledge graph id such as gref-b4ad52b2-5e7f-5034-be72-472cf8078e62 (pnpm sim prints the simulator's).",
    );
    return undefined;
  }
  return raw;
}

/** Comma-separated module ids (`mref-…`) of the graph; `POST /events` refuses other modules. */
function parseModuleIds(raw: string | undefined, problem: Report): string[] | undefined {
  if (raw === undefined) return undefined;
  const ids = raw
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  if (ids.length === 0 || !ids.every((id) => /^mref-[\x21-\x7e]{1,250}$/.test(id))) {
    problem(
      'KNEWTON_GRAPH_MODULE_IDS',
      'KNEWTON_GRAPH_MODULE_IDS must be comma-separated module ids such as mref-81287326-2cc3-5e8e-a78d-763cb1f455a5 (the modules of KNEWTON_GRAPH_ID).',
    );
    return undefined;
  }
  return ids;
}

/** A variable's value, with empty and blank values treated as unset (as shells and `.env` files produce them). */
function value(env: ExampleBffEnv, name: keyof ExampleBffEnv): string | undefined {
  const raw = env[name];
  return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
}

function parsePort(raw: string | undefined, problem: Report): number {
  if (raw === undefined) return defaultPort;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65_535) {
    problem('PORT', 'PORT must be an integer from 0 to 65535.');
  }
  return port;
}

function parsePlatform(
  env: ExampleBffEnv,
  production: boolean,
  because: string,
  problem: Report,
): PlatformConfig | undefined {
  const baseUrl = value(env, 'KNEWTON_API_URL');
  if (baseUrl === undefined && !production) return { kind: 'simulator' };
  if (baseUrl === undefined) {
    problem(
      'KNEWTON_API_URL',
      'KNEWTON_API_URL is required with NODE_ENV=production (the in-process simulator is for development only).',
    );
  } else if (!isHttpUrl(baseUrl)) {
    problem(
      'KNEWTON_API_URL',
      'KNEWTON_API_URL must be an http(s) URL such as https://api.knewton.com.',
    );
  }
  const given: Partial<Record<(typeof platformVariables)[number], string>> = {};
  for (const name of platformVariables) {
    const found = value(env, name);
    if (found === undefined) problem(name, `${name} is required ${because}.`);
    else given[name] = found;
  }
  if (given.KNEWTON_API_KEY?.includes(':')) {
    // HTTP Basic auth splits at the first colon, so such a key could never authenticate.
    problem('KNEWTON_API_KEY', 'KNEWTON_API_KEY must not contain a colon.');
  }
  const { KNEWTON_API_KEY, KNEWTON_API_SECRET, KNEWTON_SYSTEM_EXTERNAL_USER_ID } = given;
  if (
    baseUrl === undefined ||
    KNEWTON_API_KEY === undefined ||
    KNEWTON_API_SECRET === undefined ||
    KNEWTON_SYSTEM_EXTERNAL_USER_ID === undefined
  ) {
    return undefined;
  }
  return {
    kind: 'remote',
    baseUrl: baseUrl.replace(/\/+$/, ''),
    apiKey: KNEWTON_API_KEY,
    apiSecret: KNEWTON_API_SECRET,
    systemExternalUserId: KNEWTON_SYSTEM_EXTERNAL_USER_ID,
  };
}

function parseDatabase(
  raw: string | undefined,
  dataDir: string,
  problem: Report,
): DatabaseConfig | undefined {
  if (raw === undefined) return { kind: 'pglite', dataDir };
  if (!/^postgres(ql)?:\/\//.test(raw) || !canParseUrl(raw)) {
    // The URL may hold a password, so only its expected form is named.
    problem(
      'DATABASE_URL',
      'DATABASE_URL must be a postgres:// or postgresql:// connection URL (leave it unset for PGlite in DATA_DIR).',
    );
    return undefined;
  }
  return { kind: 'postgres', connectionString: raw };
}

function parseSecret(
  env: ExampleBffEnv,
  name: 'KNEWTON_PSEUDONYM_KEY' | 'SESSION_SECRET',
  required: boolean,
  because: string,
  problem: Report,
): string | undefined {
  const secret = value(env, name);
  if (secret === undefined) {
    if (required) problem(name, `${name} is required ${because}.`);
    return undefined;
  }
  if (Buffer.byteLength(secret, 'utf8') < minSecretBytes) {
    problem(
      name,
      `${name} must be at least ${minSecretBytes} bytes long (e.g. openssl rand -base64 48).`,
    );
    return undefined;
  }
  return secret;
}

function parseOrigins(
  env: ExampleBffEnv,
  simulator: boolean,
  production: boolean,
  because: string,
  port: number,
  problem: Report,
): string[] {
  const raw = value(env, 'ALLOWED_ORIGINS');
  if (raw === undefined) {
    if (!simulator) {
      problem(
        'ALLOWED_ORIGINS',
        `ALLOWED_ORIGINS is required ${because} (comma-separated, e.g. https://app.example.com).`,
      );
      return [];
    }
    const self = port === 0 ? [] : [`http://localhost:${port}`, `http://127.0.0.1:${port}`];
    return [...devOrigins, ...self];
  }
  const origins = raw
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
  for (const origin of origins) {
    if (!isHttpUrl(origin) || new URL(origin).origin !== origin) {
      problem(
        'ALLOWED_ORIGINS',
        `ALLOWED_ORIGINS must be comma-separated origins such as https://app.example.com (scheme, host and port; no path or trailing slash); ${JSON.stringify(origin)} is not one.`,
      );
      return origins;
    }
    // Origins are public names, not secrets, so the offending one is quoted.
    if (production && isDevelopmentOrigin(origin)) {
      problem(
        'ALLOWED_ORIGINS',
        `ALLOWED_ORIGINS must list only public https origins with NODE_ENV=production; ${JSON.stringify(origin)} is a development origin.`,
      );
      return origins;
    }
  }
  return origins;
}

function parseLogLevel(raw: string | undefined, problem: Report): LogLevel {
  if (raw === undefined) return 'info';
  const level = logLevels.find((candidate) => candidate === raw.toLowerCase());
  if (level === undefined) {
    problem('LOG_LEVEL', `LOG_LEVEL must be one of ${logLevels.join(', ')}.`);
    return 'info';
  }
  return level;
}

function parseSignInLimit(raw: string | undefined, problem: Report): number {
  if (raw === undefined) return defaultSignInsPerMinute;
  if (!/^\d{1,9}$/.test(raw)) {
    problem(
      'SIGN_IN_RATE_LIMIT',
      'SIGN_IN_RATE_LIMIT must be a whole number of sign-ins per minute per client address (0 turns the limit off).',
    );
    return defaultSignInsPerMinute;
  }
  return Number(raw);
}

function canParseUrl(raw: string): boolean {
  try {
    new URL(raw);
    return true;
  } catch {
    return false;
  }
}

function isHttpUrl(raw: string): boolean {
  if (!canParseUrl(raw)) return false;
  const { protocol } = new URL(raw);
  return protocol === 'http:' || protocol === 'https:';
}

/** `SESSION_REVALIDATE_MS`: unset leaves the demo sessions' default (5 s). At most a day: a bound, not a switch. */
function parseRevalidateMs(raw: string | undefined, problem: Report): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d{1,8}$/.test(raw) || Number(raw) > 86_400_000) {
    problem(
      'SESSION_REVALIDATE_MS',
      'SESSION_REVALIDATE_MS must be a whole number of milliseconds up to 86400000 (how long a verified demo session is trusted before the database is asked again; 0 asks on every request).',
    );
    return undefined;
  }
  return Number(raw);
}
