import { AccountStore } from './accountStore.js';
import { FaultState } from './faultState.js';
import { DROP_CONNECTION, handleRequest } from './handleRequest.js';
import { LearningStore } from './learningStore.js';
import type { ListeningSim, ListenOptions } from './listenOnPort.js';
import { listenOnPort } from './listenOnPort.js';
import { platformRoutes } from './platformRoutes.js';
import type { PlatformSimOptions } from './platformSimOptions.js';
import { resolvePlatformSimOptions } from './platformSimOptions.js';
import { RateLimiter } from './rateLimiter.js';
import { createRouter } from './router.js';
import type { SimAccounts, SimStats } from './routes/simRoutes.js';
import { createSimControl, createSimRoutes } from './routes/simRoutes.js';
import type { SimFaults } from './simFaults.js';
import type { SimState } from './simState.js';
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
    learning: new LearningStore(),
    limiter: new RateLimiter(),
    faults: new FaultState(),
    calls: new Map(),
  };
  const control = createSimControl(state);
  const router = createRouter([...platformRoutes, ...createSimRoutes(control, state)]);
  const handle = (request: Request, clientAddress: string) =>
    handleRequest(state, router, request, clientAddress);

  return {
    async fetch(input, init) {
      const request =
        input instanceof Request && init === undefined ? input : new Request(input, init);
      const result = await handle(request, IN_PROCESS_ADDRESS);
      if (result === DROP_CONNECTION) {
        // What a real fetch reports when the server closes the connection without answering.
        throw new TypeError('fetch failed', {
          cause: new Error('other side closed (platform-sim dropAfterCreate fault)'),
        });
      }
      return result;
    },
    listen: (listenOptions) => listenOnPort(handle, listenOptions),
    apiKey: resolved.apiKey,
    apiSecret: resolved.apiSecret,
    systemExternalUserId: resolved.systemExternalUserId,
    systemAccountId: state.accounts.systemAccount.id,
    stats: () => control.stats(),
    accounts: () => control.accounts(),
    setFaults: (faults) => control.setFaults(faults),
    reset: () => control.reset(),
  };
}
