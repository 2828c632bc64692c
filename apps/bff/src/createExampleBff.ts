// Over 250 lines on purpose: this is the example a host copies from, so the wiring of store, sessions,
// routes, logging and shutdown reads top to bottom in one file rather than across several.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  type AccountStore,
  createBffRouter,
  createKnewtonBff,
  createPgliteStore,
  createPostgresStore,
  type KnewtonBff,
  type Logger,
  type NodeServerBindings,
  silentLogger,
} from '@knewton-kit/bff';
import { KNEWTON_BFF_BASE_PATH } from '@knewton-kit/contract';
import {
  createPlatformSim,
  type ListeningSim,
  type PlatformSim,
  seededGraphs,
} from '@knewton-kit/platform-sim';
import type { Kysely } from 'kysely';
import { ConfigError, type ConfigProblem } from './ConfigError.js';
import { defaultSignInsPerMinute } from './config.js';
import { createDemoSessions } from './demoSession.js';
import type { DatabaseConfig, ExampleBffConfig } from './ExampleBffConfig.js';
import { isDevelopmentOrigin } from './isDevelopmentOrigin.js';
import { loadDevSecrets } from './loadDevSecrets.js';
import { registerDevRoutes } from './registerDevRoutes.js';
import { registerOptOutRoutes } from './registerOptOutRoutes.js';
import { registerSessionRoutes } from './registerSessionRoutes.js';

export interface ExampleBffOptions {
  /** Receives the JSON request log and failures. @default silentLogger */
  logger?: Logger;
  /** Receives human-readable start-up notices (what was started, what was generated). @default nothing */
  notice?: (line: string) => void;
  /**
   * An open account store to use instead of opening the one `config.database` describes; `close()` closes
   * it. Tests hand in a clone of a migrated PGlite, as a fresh in-memory PGlite runs initdb for seconds.
   * @default the store `config.database` describes
   */
  store?: AccountStore;
}

/** What @hono/node-server passes as `env`, as far as the example BFF reads it. */
export interface ExampleBffBindings extends NodeServerBindings {
  incoming?: NodeServerBindings['incoming'] & {
    socket?: { remoteAddress?: string | undefined };
    /** The request target as received (`/path?query`). */
    url?: string | undefined;
  };
}

export interface ExampleBff {
  /**
   * The whole example server as a Web-standard handler: `/api/knewton/*`, `/api/session`, dev routes.
   * `env` is what @hono/node-server passes: the Node request, whose framing lets the library answer a
   * body-less PUT without reading a body, and whose socket's peer address is what the per-address
   * sign-in limit counts (without it that limit does not apply).
   */
  fetch(request: Request, env?: ExampleBffBindings): Response | Promise<Response>;
  /** The library instance behind `/api/knewton`. */
  bff: KnewtonBff;
  /** The account store (for inspection in tests and tools). */
  store: AccountStore;
  /** The in-process simulator, when no `KNEWTON_API_URL` was configured. */
  sim: (PlatformSim & { url: string }) | undefined;
  /** Stops the session re-check, closes the library's BFF (and its store), then the simulator. */
  close(): Promise<void>;
}

/** A request target whose path a URL parser leaves as it is: `/segments/like-this_1`, then `?` or the end. */
const plainPath = /^(\/[\w/-]*)(?:\?|$)/;

/** Opens the configured store; PGlite keeps its files in `<dataDir>/pglite`, beside the dev secrets. */
function openStore(database: DatabaseConfig): Promise<AccountStore> {
  if (database.kind === 'postgres') {
    return createPostgresStore({ connectionString: database.connectionString });
  }
  return createPgliteStore(
    database.dataDir === undefined ? {} : { dataDir: join(database.dataDir, 'pglite') },
  );
}

/**
 * Builds the example BFF without listening: the in-process simulator (when configured), the store, the
 * Knewton routes and the demo sign-in. For tests and embedding; `startExampleBff` also listens.
 */
export async function createExampleBff(
  config: ExampleBffConfig,
  options: ExampleBffOptions = {},
): Promise<ExampleBff> {
  const logger = options.logger ?? silentLogger;
  const notice = options.notice ?? (() => {});
  const cleanups: Array<() => Promise<void>> = [];
  let cleaning: Promise<void> | undefined;
  // Last started, first closed: the provisioner finishes its in-flight ensures before the simulator goes.
  const cleanUp = () => {
    cleaning ??= (async () => {
      for (const cleanup of [...cleanups].reverse()) await cleanup();
    })();
    return cleaning;
  };

  try {
    if (config.production) refuseDevelopmentFallbacks(config);
    let { pseudonymKey, sessionSecret } = config;
    const { pseudonymKeys } = config;
    // A command-line tool signs no cookie: its session routes are never reached.
    if (config.servesBrowsers === false) sessionSecret ??= randomBytes(32).toString('base64url');
    if (
      (pseudonymKey === undefined && pseudonymKeys === undefined) ||
      sessionSecret === undefined
    ) {
      if (config.platform.kind !== 'simulator')
        throw missingSecrets(config, 'KNEWTON_API_URL is set');
      const dev = await loadDevSecrets(config.dataDir);
      if (pseudonymKeys === undefined) pseudonymKey ??= dev.pseudonymKey;
      sessionSecret ??= dev.sessionSecret;
      notice(
        dev.path === undefined
          ? 'Development secrets generated for this process only (no DATA_DIR).'
          : `Development secrets ${dev.generated ? 'generated and stored' : 'read'} in ${dev.path} (simulator only; set KNEWTON_PSEUDONYM_KEY and SESSION_SECRET for real use).`,
      );
    }

    let sim: ExampleBff['sim'];
    let platform: Parameters<typeof createKnewtonBff>[0]['platform'];
    if (config.platform.kind === 'simulator') {
      // The simulator's accounts must outlive a restart as long as the store's mappings to them do, so
      // they are kept in DATA_DIR (in memory only without one), which the README asks to keep one per
      // store: another store would not know which of these accounts it erased.
      const stateFile =
        config.dataDir === undefined ? undefined : join(config.dataDir, 'platform-sim.json');
      const instance = createPlatformSim(stateFile === undefined ? {} : { stateFile });
      // close() also closes the listener below and writes the simulator's last changes.
      cleanups.push(() => instance.close());
      const listening: ListeningSim = await instance.listen({ port: 0 });
      sim = Object.assign(instance, { url: listening.url });
      platform = {
        baseUrl: listening.url,
        apiKey: instance.apiKey,
        apiSecret: instance.apiSecret,
        systemExternalUserId: instance.systemExternalUserId,
      };
      notice(
        `No KNEWTON_API_URL: started the Knewton Platform simulator in-process at ${listening.url} (stats: ${listening.url}/__sim/stats; state ${stateFile === undefined ? 'in memory' : `in ${stateFile}`}).`,
      );
    } else {
      const { baseUrl, apiKey, apiSecret, systemExternalUserId } = config.platform;
      platform = { baseUrl, apiKey, apiSecret, systemExternalUserId };
    }

    const store = options.store ?? (await openStore(config.database));
    notice(
      options.store !== undefined
        ? 'Account store: the one given.'
        : config.database.kind === 'postgres'
          ? 'Account store: PostgreSQL (DATABASE_URL).'
          : `Account store: PGlite ${config.database.dataDir === undefined ? 'in memory' : `in ${join(config.database.dataDir, 'pglite')}`}.`,
    );
    const sessions = await createDemoSessions({
      db: store.db as unknown as Kysely<unknown>,
      secret: sessionSecret,
      // From configuration, never from the request's Host (an https proxy may forward Host: localhost).
      secure: config.production || config.allowedOrigins[0]?.startsWith('https://') === true,
      ...(config.sessionRevalidateMs === undefined
        ? {}
        : { revalidateMs: config.sessionRevalidateMs }),
      onRecheckError: (error) =>
        logger.warn(
          { error: (error as Error).name, message: (error as Error).message },
          'demo session re-check failed; sessions are checked per request until it succeeds',
        ),
    }).catch(async (error: unknown) => {
      await store.close();
      throw error;
    });
    // "Recommended next": KNEWTON_GRAPH_ID, or with the simulator its first seeded graph (the demo's
    // lessons are modules of it). A graph the simulator does not have would fail on first use, so say so now.
    const graphId = config.graphId ?? (sim ? seededGraphs[0]?.id : undefined);
    if (sim && graphId !== undefined && !seededGraphs.some((graph) => graph.id === graphId)) {
      await store.close();
      throw new ConfigError(
        'KNEWTON_GRAPH_ID',
        `KNEWTON_GRAPH_ID names no graph of the simulator (its graphs: ${seededGraphs.map((graph) => graph.id).join(', ')}).`,
      );
    }
    // The in-process simulator's graph is known here; a platform's (or a separate simulator's) graph only
    // through KNEWTON_GRAPH_MODULE_IDS.
    const moduleIds =
      config.moduleIds ??
      (sim ? seededGraphs.find((graph) => graph.id === graphId)?.moduleIds : undefined);
    const bff = await createKnewtonBff({
      authenticate: (request) => sessions.authenticate(request),
      platform,
      store,
      externalIds: pseudonymKeys ? { keys: pseudonymKeys } : { key: pseudonymKey as string },
      allowedOrigins: config.allowedOrigins,
      logger,
      ...(config.limits === undefined ? {} : { limits: config.limits }),
      ...(graphId === undefined
        ? {}
        : {
            learning: {
              learningInstanceName: 'knewton-kit demo',
              ...(moduleIds === undefined ? {} : { moduleIds }),
              ...config.learning,
              graphId,
            },
          }),
    }).catch(async (error: unknown) => {
      await store.close();
      throw error;
    });
    cleanups.push(() => bff.close());
    // Closed first (last pushed): no background re-check of sessions runs against a closing store.
    cleanups.push(async () => sessions.close());

    const routerOptions = {
      logger,
      allowedOrigins: config.allowedOrigins,
      maxBodyBytes: config.limits?.maxBodyBytes ?? 16 * 1024,
    };
    const router = createBffRouter({ ...routerOptions, basePath: '/api' });
    const remoteAddresses = new WeakMap<Request, string>();
    registerSessionRoutes(router, sessions, {
      signInsPerMinute: config.signInsPerMinute ?? defaultSignInsPerMinute,
      clientAddress: (request) => remoteAddresses.get(request),
    });
    registerOptOutRoutes(router, bff, (request) => sessions.authenticate(request));
    if (sim && !config.production) {
      registerDevRoutes(router, sim);
      // A command-line tool serves no HTTP: telling its user about routes would mislead.
      if (config.servesBrowsers !== false)
        notice('Development routes on: PUT /api/dev/platform-faults, GET /api/dev/platform-stats.');
    }

    const knewtonPrefix = `${KNEWTON_BFF_BASE_PATH}/`;
    return {
      // Not `async`: the library's warm `PUT` answers synchronously, and @hono/node-server then writes it at once.
      fetch(request, env) {
        const remoteAddress = env?.incoming?.socket?.remoteAddress;
        if (remoteAddress !== undefined) remoteAddresses.set(request, remoteAddress);
        // The Node request's target when it is a plain path (parsing `request.url` costs a few per cent of
        // the warm path); anything a URL would rewrite (dot segments, escapes, absolute-form) is parsed.
        const target = env?.incoming?.url;
        const plain = target === undefined ? undefined : plainPath.exec(target)?.[1];
        const pathname = plain ?? new URL(request.url).pathname;
        const library = pathname.startsWith(knewtonPrefix) || pathname === KNEWTON_BFF_BASE_PATH;
        if (library) return bff.fetch(request, env);
        // Paths outside /api too: the router's 404 carries its conventions (request id, headers, log line).
        return router.app.fetch(request, env);
      },
      bff,
      store,
      sim,
      close: cleanUp,
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

/** The secrets a configuration lacks, all of them, as one error (one line each). */
function missingSecrets(config: ExampleBffConfig, because: string): ConfigError {
  const problems: ConfigProblem[] = [];
  for (const [variable, given] of [
    ['KNEWTON_PSEUDONYM_KEY', config.pseudonymKey ?? config.pseudonymKeys],
    ['SESSION_SECRET', config.sessionSecret],
  ] as const) {
    const browserOnly = variable === 'SESSION_SECRET' && config.servesBrowsers === false;
    if (given === undefined && !browserOnly)
      problems.push({ variable, message: `${variable} is required when ${because}.` });
  }
  return ConfigError.of(problems as [ConfigProblem, ...ConfigProblem[]]);
}

/**
 * Production never falls back to development, whoever built the configuration (`parseConfig` refuses the
 * same environment first): no simulator, no generated secrets, no loopback or plain-http origins.
 */
function refuseDevelopmentFallbacks(config: ExampleBffConfig): void {
  const problems: ConfigProblem[] = [];
  if (config.platform.kind === 'simulator') {
    problems.push({
      variable: 'KNEWTON_API_URL',
      message:
        'KNEWTON_API_URL is required with NODE_ENV=production (the in-process simulator is for development only).',
    });
  }
  const browsers = config.servesBrowsers !== false;
  if (
    (config.pseudonymKey === undefined && config.pseudonymKeys === undefined) ||
    (browsers && config.sessionSecret === undefined)
  ) {
    problems.push(...missingSecrets(config, 'NODE_ENV=production').problems);
  }
  const development = config.allowedOrigins.find(isDevelopmentOrigin);
  if (development !== undefined || (browsers && config.allowedOrigins.length === 0)) {
    problems.push({
      variable: 'ALLOWED_ORIGINS',
      message: `ALLOWED_ORIGINS must list only public https origins with NODE_ENV=production${development === undefined ? '' : `; ${JSON.stringify(development)} is a development origin`}.`,
    });
  }
  const [first, ...more] = problems;
  if (first) throw ConfigError.of([first, ...more]);
}
