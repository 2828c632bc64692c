import { readFileSync } from 'node:fs';
import { AccountStore } from './accountStore.js';
import { FaultState } from './faultState.js';
import { DROP_CONNECTION, type HandleResult, handleRequest } from './handleRequest.js';
import { LearningStore } from './learningStore.js';
import type { ListeningSim, ListenOptions } from './listenOnPort.js';
import { listenOnPort } from './listenOnPort.js';
import { platformRoutes } from './platformRoutes.js';
import type { PlatformSimOptions } from './platformSimOptions.js';
import { resolvePlatformSimOptions } from './platformSimOptions.js';
import { RateLimiter } from './rateLimiter.js';
import { errorResponse } from './responses.js';
import { createRouter } from './router.js';
import type { SimAccounts, SimStats } from './routes/simRoutes.js';
import { createSimControl, createSimRoutes } from './routes/simRoutes.js';
import type { SimFaults } from './simFaults.js';
import { restoreSimState, serializeSimState } from './simSnapshot.js';
import type { SimState } from './simState.js';
import { createStateFileWriter, type StateFileWriter } from './stateFileWriter.js';
import { TokenStore } from './tokenStore.js';

export interface PlatformSim {
  /**
   * Web-standard handler, bound. Takes a `Request`, or the same arguments as the global `fetch`,
   * so it can be handed to any client that accepts a fetch function.
   */
  fetch(input: Request | string | URL, init?: RequestInit): Promise<Response>;
  /** Serves the same handler over HTTP. */
  listen(options?: ListenOptions): Promise<ListeningSim>;
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly systemExternalUserId: string;
  /** Account id of the seeded partner-admin ("system") account. */
  readonly systemAccountId: string;
  /** Same JSON as `GET /__sim/stats`. */
  stats(): SimStats;
  /** Same JSON as `GET /__sim/accounts`. */
  accounts(): SimAccounts;
  /** Same as `PUT /__sim/faults`; `{}` clears. Throws a `TypeError` for an invalid fault. */
  setFaults(faults: SimFaults): void;
  /** Same as `POST /__sim/reset`: forgets all state except the seeded system account. */
  reset(): void;
  /**
   * Closes every server opened by `listen()` and writes pending state to `stateFile` (when set).
   * Idempotent; `fetch` keeps working afterwards.
   */
  close(): Promise<void>;
}

// In-process callers have no socket; they share one per-IP bucket.
const IN_PROCESS_ADDRESS = 'in-process';

/** Creates a local stand-in for the Knewton Platform API v0. */
export function createPlatformSim(options?: PlatformSimOptions): PlatformSim {
  const resolved = resolvePlatformSimOptions(options);
  const state: SimState = {
    options: resolved,
    accounts: new AccountStore(resolved.systemExternalUserId, resolved.apiKey),
    tokens: new TokenStore(),
    learning: new LearningStore(resolved.maxRegistrationsPerInstance),
    limiter: new RateLimiter(),
    faults: new FaultState(),
    calls: new Map(),
    counters: { events: 0, rateLimited: 0 },
  };
  const writer =
    resolved.stateFile === undefined ? undefined : openStateFile(resolved.stateFile, state);
  const control = createSimControl(state);
  const router = createRouter([...platformRoutes, ...createSimRoutes(control, state)]);
  // Durable before it answers: a request that may have changed kept state is answered only once the
  // state file holds that change, so `kill -9` right after an answer loses nothing the client saw.
  // Reads, token requests and refusals (4xx/5xx: nothing was processed) change no kept state.
  const handle = writer
    ? async (request: Request, clientAddress: string) => {
        const result = await handleRequest(state, router, request, clientAddress);
        if (!mayChangeKeptState(request, result)) return result;
        try {
          await writer.persist();
        } catch (error) {
          console.error(`platform-sim: ${(error as Error).message}`);
          if (result === DROP_CONNECTION) return result;
          await result.body?.cancel();
          return errorResponse(500, 'The simulator could not write its state file.');
        }
        return result;
      }
    : (request: Request, clientAddress: string) =>
        handleRequest(state, router, request, clientAddress);
  const servers = new Set<ListeningSim>();

  return {
    async fetch(input, init) {
      const request =
        input instanceof Request && init === undefined ? input : new Request(input, init);
      const result = await handle(request, IN_PROCESS_ADDRESS);
      if (result === DROP_CONNECTION) {
        // What a real fetch reports when the server closes the connection without answering.
        throw new TypeError('fetch failed', {
          cause: new Error(
            'other side closed (platform-sim dropAfterCreate/dropAfterDelete fault)',
          ),
        });
      }
      return result;
    },
    async listen(listenOptions) {
      const server = await listenOnPort(handle, listenOptions);
      servers.add(server);
      return server;
    },
    apiKey: resolved.apiKey,
    apiSecret: resolved.apiSecret,
    systemExternalUserId: resolved.systemExternalUserId,
    systemAccountId: state.accounts.systemAccount.id,
    stats: () => control.stats(),
    accounts: () => control.accounts(),
    setFaults: (faults) => control.setFaults(faults),
    reset() {
      control.reset();
      writer?.persist().catch((error: unknown) => {
        console.error(`platform-sim: ${(error as Error).message}`);
      });
    },
    async close() {
      await Promise.all([...servers].map((server) => server.close()));
      await writer?.persist();
    },
  };
}

function mayChangeKeptState(request: Request, result: HandleResult): boolean {
  if (request.method === 'GET' || request.method === 'HEAD') return false;
  if (result !== DROP_CONNECTION && result.status >= 300) return false;
  const { pathname } = new URL(request.url);
  return pathname !== '/v0/oauth/token' && pathname !== '/__sim/faults';
}

/** Loads `file` into `state` when it exists; a file that cannot be read or understood stops creation. */
function openStateFile(file: string, state: SimState): StateFileWriter {
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new Error(
        `createPlatformSim: cannot read \`stateFile\` ${file}: ${(error as Error).message}`,
      );
    }
  }
  if (text !== undefined) {
    try {
      restoreSimState(state, text);
    } catch (error) {
      // Never overwritten silently: it may hold accounts that some store still maps users to.
      throw new Error(
        `createPlatformSim: \`stateFile\` ${file} is not a simulator state file (${(error as Error).message}); move it away to start empty.`,
      );
    }
  }
  return createStateFileWriter(file, () => serializeSimState(state), text);
}
