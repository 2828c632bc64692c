import type {
  KnewtonBffLimits,
  KnewtonLearningOptions,
  LogLevel,
  PseudonymKey,
} from '@knewton-kit/bff';
import type { HttpServerLimits } from './hardenHttpServer.js';

/** Where the Knewton Platform is: a real URL with credentials, or the simulator started in-process. */
export type PlatformConfig =
  | { kind: 'simulator' }
  | {
      kind: 'remote';
      baseUrl: string;
      apiKey: string;
      apiSecret: string;
      systemExternalUserId: string;
    };

/** The account store: PGlite in a folder (in memory without one) or PostgreSQL. */
export type DatabaseConfig =
  | { kind: 'pglite'; dataDir?: string }
  | { kind: 'postgres'; connectionString: string };

/** Everything the example BFF needs; `parseConfig` builds it from the environment. */
export interface ExampleBffConfig {
  /** Port to listen on; 0 picks a free one. @default 8787 */
  port: number;
  /** Interface to listen on. @default undefined (every interface, IPv4 and IPv6) */
  hostname?: string;
  platform: PlatformConfig;
  database: DatabaseConfig;
  /**
   * Folder for the embedded database and, with the simulator, the generated development secrets.
   * @default undefined (nothing persisted)
   */
  dataDir?: string;
  /** HMAC key for external ids; generated (and kept in `dataDir`) only with the simulator. */
  pseudonymKey?: string;
  /**
   * `KNEWTON_PSEUDONYM_KEYS`: versioned HMAC keys, oldest first; replaces `pseudonymKey` (key rotation:
   * new learners get the newest, stored mappings and recorded creates keep the key they were made with).
   */
  pseudonymKeys?: PseudonymKey[];
  /** HMAC key of the demo session cookie; generated (and kept in `dataDir`) only with the simulator. */
  sessionSecret?: string;
  /** Origins allowed to send state-changing requests. */
  allowedOrigins: string[];
  /**
   * `false` for a command-line tool (`pnpm backfill`): no browser is served, so no origin need be allowed
   * and a missing `sessionSecret` is replaced by a random one no cookie ever carries. @default true
   */
  servesBrowsers?: boolean;
  /**
   * `KNEWTON_GRAPH_ID`: the knowledge graph of the app's learning instance (recommendations).
   * @default undefined (the simulator's first seeded graph with the simulator; no recommendations otherwise)
   */
  graphId?: string;
  /**
   * `KNEWTON_GRAPH_MODULE_IDS`: the graph's module ids; `POST /events` then refuses an event for any other
   * module with 400. @default the seeded graph's modules with the in-process simulator; otherwise unset
   * (any `mref-…` accepted)
   */
  moduleIds?: string[];
  /**
   * `NODE_ENV === 'production'`: no simulator, no generated secrets, no development routes; the demo
   * session cookie is always `Secure`. Outside production it is `Secure` when the first allowed origin
   * (the app's public origin) is https.
   */
  production: boolean;
  /** The lowest level the request log writes (`LOG_LEVEL`). @default 'info' */
  logLevel?: LogLevel;
  /** Demo sign-ins one client address may make per minute; 0 for no limit. @default 30 */
  signInsPerMinute?: number;
  /**
   * `SESSION_REVALIDATE_MS`: how long a process trusts a demo session it verified before asking the
   * database again; the longest another process may honour a session signed out elsewhere. 0: every request.
   * @default 5000
   */
  sessionRevalidateMs?: number;
  /** Timeouts and connection caps of the HTTP server (`startExampleBff`). @default hardenHttpServer's */
  http?: Partial<HttpServerLimits>;
  /** Passed to `createKnewtonBff`. @default the library's defaults */
  limits?: KnewtonBffLimits;
  /**
   * Learning options beside the graph (outbox bound, recommendation cache, delivery interval), passed to
   * `createKnewtonBff({ learning })`; no environment variable sets them. @default the library's defaults
   */
  learning?: Omit<KnewtonLearningOptions, 'graphId'>;
}
