import type { AccountRecord, AccountStore } from './accountStore.js';
import type { FaultState } from './faultState.js';
import type { LearningStore } from './learningStore.js';
import type { ResolvedPlatformSimOptions } from './platformSimOptions.js';
import type { RateLimiter } from './rateLimiter.js';
import type { TokenStore } from './tokenStore.js';

/** Everything one simulator instance holds. */
export interface SimState {
  options: ResolvedPlatformSimOptions;
  accounts: AccountStore;
  tokens: TokenStore;
  learning: LearningStore;
  limiter: RateLimiter;
  faults: FaultState;
  /** Calls received per route template, e.g. `POST /v0/accounts`. */
  calls: Map<string, number>;
  /** Learning events accepted (each event of a batch once) and 429s answered, for `/__sim/stats`. */
  counters: { events: number; rateLimited: number };
}

export interface RouteContext {
  request: Request;
  url: URL;
  params: Record<string, string>;
  now: number;
  state: SimState;
  /** Set by a route that committed at least one account creation (what `dropAfterCreate` drops). */
  createdAccount: boolean;
  /** Set by a route that deleted an account (what `dropAfterDelete` drops). */
  deletedAccount: boolean;
}

export interface AuthenticatedRouteContext extends RouteContext {
  /** The account the bearer token acts as. */
  caller: AccountRecord;
}

export type SimRoute =
  | {
      method: string;
      path: string;
      /** `bearer`: the route needs a valid access token. */
      auth: 'bearer';
      handler: (context: AuthenticatedRouteContext) => Response | Promise<Response>;
    }
  | {
      method: string;
      path: string;
      /** `basic`: the token endpoint, limited per IP. `sim`: simulator extras, never faulted or limited. */
      auth: 'basic' | 'sim';
      handler: (context: RouteContext) => Response | Promise<Response>;
    };
