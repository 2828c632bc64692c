import { join } from 'node:path';
import {
  type AccountStore,
  createBffRouter,
  createKnewtonBff,
  createPgliteStore,
  createPostgresStore,
  type KnewtonBff,
  type Logger,
  silentLogger,
} from '@knewton-kit/bff';
import { KNEWTON_BFF_BASE_PATH } from '@knewton-kit/contract';
import {
  createPlatformSim,
  type ListeningSim,
  type PlatformSim,
  seededGraphs,
} from '@knewton-kit/platform-sim';
import { ConfigError } from './ConfigError.js';
import { createDemoSessions } from './demoSession.js';
import type { DatabaseConfig, ExampleBffConfig } from './ExampleBffConfig.js';
import { loadDevSecrets } from './loadDevSecrets.js';
import { registerDevRoutes } from './registerDevRoutes.js';
import { registerSessionRoutes } from './registerSessionRoutes.js';

export interface ExampleBffOptions {
  /** Receives the JSON request log and failures. @default silentLogger */
  logger?: Logger;
  /** Receives human-readable start-up notices (what was started, what was generated). @default nothing */
  notice?: (line: string) => void;
}

export interface ExampleBff {
  /** The whole example server as a Web-standard handler: `/api/knewton/*`, `/api/session`, dev routes. */
  fetch(request: Request): Promise<Response>;
  /** The library instance behind `/api/knewton`. */
  bff: KnewtonBff;
  /** The account store (for inspection in tests and tools). */
  store: AccountStore;
  /** The in-process simulator, when no `KNEWTON_API_URL` was configured. */
  sim: (PlatformSim & { url: string }) | undefined;
  /** Closes the provisioner and store, then the simulator. */
  close(): Promise<void>;
}

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
    let { pseudonymKey, sessionSecret } = config;
    if (pseudonymKey === undefined || sessionSecret === undefined) {
      if (config.platform.kind !== 'simulator') {
        const missing = pseudonymKey === undefined ? 'KNEWTON_PSEUDONYM_KEY' : 'SESSION_SECRET';
        throw new ConfigError(missing, `${missing} is required when KNEWTON_API_URL is set.`);
      }
      const dev = await loadDevSecrets(config.dataDir);
      pseudonymKey ??= dev.pseudonymKey;
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
      // The simulator's accounts must outlive a restart exactly as long as the store's mappings to
      // them do, so they are kept beside the store in DATA_DIR (and in memory only without one).
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

    const store = await openStore(config.database);
    notice(
      config.database.kind === 'postgres'
        ? 'Account store: PostgreSQL (DATABASE_URL).'
        : `Account store: PGlite ${config.database.dataDir === undefined ? 'in memory' : `in ${join(config.database.dataDir, 'pglite')}`}.`,
    );
    const sessions = createDemoSessions(sessionSecret);
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
    const bff = await createKnewtonBff({
      authenticate: (request) => sessions.authenticate(request),
      platform,
      store,
      externalIds: { key: pseudonymKey },
      allowedOrigins: config.allowedOrigins,
      logger,
      ...(config.limits === undefined ? {} : { limits: config.limits }),
      ...(graphId === undefined
        ? {}
        : { learning: { graphId, learningInstanceName: 'knewton-kit demo' } }),
    }).catch(async (error: unknown) => {
      await store.close();
      throw error;
    });
    cleanups.push(() => bff.close());

    const routerOptions = {
      logger,
      allowedOrigins: config.allowedOrigins,
      maxBodyBytes: config.limits?.maxBodyBytes ?? 16 * 1024,
    };
    const router = createBffRouter({ ...routerOptions, basePath: '/api' });
    // A router's conventions (request id, log line, headers) only cover its own base path, so paths
    // outside /api get a router of their own with no routes: the same 404, with a real request id.
    const outside = createBffRouter({ ...routerOptions, basePath: '' });
    registerSessionRoutes(router, sessions);
    if (sim && !config.production) {
      registerDevRoutes(router, sim);
      notice('Development routes on: PUT /api/dev/platform-faults, GET /api/dev/platform-stats.');
    }

    const knewtonPrefix = `${KNEWTON_BFF_BASE_PATH}/`;
    return {
      async fetch(request) {
        const { pathname } = new URL(request.url);
        const library = pathname.startsWith(knewtonPrefix) || pathname === KNEWTON_BFF_BASE_PATH;
        if (library) return bff.fetch(request);
        const demo = pathname === '/api' || pathname.startsWith('/api/');
        return (demo ? router : outside).app.fetch(request);
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
