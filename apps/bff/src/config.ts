import { ConfigError } from './ConfigError.js';
import type { DatabaseConfig, ExampleBffConfig, PlatformConfig } from './ExampleBffConfig.js';

/** The environment variables the example BFF reads (DESIGN.md, plus `DATA_DIR`, `HOST`, `NODE_ENV`). */
export type ExampleBffEnv = Partial<
  Record<
    | 'PORT'
    | 'HOST'
    | 'KNEWTON_API_URL'
    | 'KNEWTON_API_KEY'
    | 'KNEWTON_API_SECRET'
    | 'KNEWTON_SYSTEM_EXTERNAL_USER_ID'
    | 'KNEWTON_PSEUDONYM_KEY'
    | 'DATABASE_URL'
    | 'DATA_DIR'
    | 'SESSION_SECRET'
    | 'ALLOWED_ORIGINS'
    | 'KNEWTON_GRAPH_ID'
    | 'NODE_ENV',
    string
  >
>;

export const defaultPort = 8787;
export const defaultDataDir = '.data';
/** HMAC keys shorter than this are refused: a guessable key would make external ids reversible. */
export const minSecretBytes = 32;

/** Vite's dev server and preview, on both loopback spellings, when the simulator is used. */
const devOrigins = [
  'http://localhost:5173',
  'http://127.0.0.1:5173',
  'http://localhost:4173',
  'http://127.0.0.1:4173',
];

/**
 * Reads the example BFF's configuration from the environment, or throws a `ConfigError` whose one-line
 * message names the variable at fault and never repeats its value.
 *
 * Without `KNEWTON_API_URL` the simulator runs in-process and development defaults apply: the secrets may
 * be left out (they are generated and kept in `DATA_DIR`) and `ALLOWED_ORIGINS` defaults to the Vite dev
 * server. With a real `KNEWTON_API_URL` every secret and `ALLOWED_ORIGINS` are required.
 */
export function parseConfig(env: ExampleBffEnv): ExampleBffConfig {
  const port = parsePort(value(env, 'PORT'));
  const hostname = value(env, 'HOST');
  const platform = parsePlatform(env);
  const simulator = platform.kind === 'simulator';
  const dataDir = value(env, 'DATA_DIR') ?? defaultDataDir;
  const database = parseDatabase(value(env, 'DATABASE_URL'), dataDir);
  const pseudonymKey = parseSecret(env, 'KNEWTON_PSEUDONYM_KEY', !simulator);
  const sessionSecret = parseSecret(env, 'SESSION_SECRET', !simulator);
  const allowedOrigins = parseOrigins(value(env, 'ALLOWED_ORIGINS'), simulator, port);
  const graphId = parseGraphId(value(env, 'KNEWTON_GRAPH_ID'));
  return {
    port,
    ...(hostname === undefined ? {} : { hostname }),
    platform,
    database,
    dataDir,
    ...(pseudonymKey === undefined ? {} : { pseudonymKey }),
    ...(sessionSecret === undefined ? {} : { sessionSecret }),
    allowedOrigins,
    ...(graphId === undefined ? {} : { graphId }),
    production: value(env, 'NODE_ENV') === 'production',
  };
}

/** The same shape `createKnewtonBff` accepts for `learning.graphId`: `gref-` and printable ASCII. */
function parseGraphId(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (!/^gref-[\x21-\x7e]{1,200}$/.test(raw)) {
    throw new ConfigError(
      'KNEWTON_GRAPH_ID',
      "KNEWTON_GRAPH_ID must be a knowledge graph id such as gref-b4ad52b2-5e7f-5034-be72-472cf8078e62 (pnpm sim prints the simulator's).",
    );
  }
  return raw;
}

/** A variable's value, with empty and blank values treated as unset (as shells and `.env` files produce them). */
function value(env: ExampleBffEnv, name: keyof ExampleBffEnv): string | undefined {
  const raw = env[name];
  return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
}

function parsePort(raw: string | undefined): number {
  if (raw === undefined) return defaultPort;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65_535) {
    throw new ConfigError('PORT', 'PORT must be an integer from 0 to 65535.');
  }
  return port;
}

function parsePlatform(env: ExampleBffEnv): PlatformConfig {
  const baseUrl = value(env, 'KNEWTON_API_URL');
  if (baseUrl === undefined) return { kind: 'simulator' };
  if (!isHttpUrl(baseUrl)) {
    throw new ConfigError(
      'KNEWTON_API_URL',
      'KNEWTON_API_URL must be an http(s) URL such as https://api.knewton.com.',
    );
  }
  const required = (name: keyof ExampleBffEnv): string => {
    const given = value(env, name);
    if (given === undefined) {
      throw new ConfigError(name, `${name} is required when KNEWTON_API_URL is set.`);
    }
    return given;
  };
  const apiKey = required('KNEWTON_API_KEY');
  if (apiKey.includes(':')) {
    // HTTP Basic auth splits at the first colon, so such a key could never authenticate.
    throw new ConfigError('KNEWTON_API_KEY', 'KNEWTON_API_KEY must not contain a colon.');
  }
  return {
    kind: 'remote',
    baseUrl: baseUrl.replace(/\/+$/, ''),
    apiKey,
    apiSecret: required('KNEWTON_API_SECRET'),
    systemExternalUserId: required('KNEWTON_SYSTEM_EXTERNAL_USER_ID'),
  };
}

function parseDatabase(raw: string | undefined, dataDir: string): DatabaseConfig {
  if (raw === undefined) return { kind: 'pglite', dataDir };
  if (!/^postgres(ql)?:\/\//.test(raw) || !canParseUrl(raw)) {
    // The URL may hold a password, so only its expected form is named.
    throw new ConfigError(
      'DATABASE_URL',
      'DATABASE_URL must be a postgres:// or postgresql:// connection URL (leave it unset for PGlite in DATA_DIR).',
    );
  }
  return { kind: 'postgres', connectionString: raw };
}

function parseSecret(
  env: ExampleBffEnv,
  name: 'KNEWTON_PSEUDONYM_KEY' | 'SESSION_SECRET',
  required: boolean,
): string | undefined {
  const secret = value(env, name);
  if (secret === undefined) {
    if (required) throw new ConfigError(name, `${name} is required when KNEWTON_API_URL is set.`);
    return undefined;
  }
  if (Buffer.byteLength(secret, 'utf8') < minSecretBytes) {
    throw new ConfigError(
      name,
      `${name} must be at least ${minSecretBytes} bytes long (e.g. openssl rand -base64 48).`,
    );
  }
  return secret;
}

function parseOrigins(raw: string | undefined, simulator: boolean, port: number): string[] {
  if (raw === undefined) {
    if (!simulator) {
      throw new ConfigError(
        'ALLOWED_ORIGINS',
        'ALLOWED_ORIGINS is required when KNEWTON_API_URL is set (comma-separated, e.g. https://app.example.com).',
      );
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
      throw new ConfigError(
        'ALLOWED_ORIGINS',
        `ALLOWED_ORIGINS must be comma-separated origins such as https://app.example.com (scheme, host and port; no path or trailing slash); ${JSON.stringify(origin)} is not one.`,
      );
    }
  }
  return origins;
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
