import { readJsonObject } from '../requestBody.js';
import { errorResponse, jsonResponse, noContentResponse } from '../responses.js';
import { SimHttpError } from '../SimHttpError.js';
import { seededGraphs } from '../seededGraphs.js';
import type { SimFaults } from '../simFaults.js';
import { parseSimFaults } from '../simFaults.js';
import type { SimRoute, SimState } from '../simState.js';

export interface SimStats {
  /** Accounts created through the API and not deleted (the seeded system account is not counted). */
  accounts: number;
  /** Calls received per route template, e.g. `{"POST /v0/accounts": 3}`, faulted and refused ones included. */
  calls: Record<string, number>;
  /** Learning events the platform accepted: each event of a `batch-events` call counts once. */
  events: number;
  /** 429 answers, whether from a rate limit or a `errorStatus: 429` fault. */
  rateLimited: number;
}

export interface SimAccountView {
  id: string;
  externalUserId: string;
  createdAt: string;
  deletedAt: string | null;
  test: boolean;
}

export interface SimAccounts {
  systemAccount: { id: string; externalUserId: string };
  /** Every account created through the API, deleted ones included (with `deletedAt`). */
  accounts: SimAccountView[];
}

/** The commands behind both the `/__sim` routes and the `PlatformSim` methods. */
export interface SimControl {
  stats(): SimStats;
  accounts(): SimAccounts;
  setFaults(faults: SimFaults): void;
  reset(): void;
}

export function createSimControl(state: SimState): SimControl {
  return {
    stats() {
      return {
        accounts: state.accounts.activeCount(),
        calls: Object.fromEntries(state.calls),
        events: state.counters.events,
        rateLimited: state.counters.rateLimited,
      };
    },
    accounts() {
      const { systemAccount } = state.accounts;
      return {
        systemAccount: { id: systemAccount.id, externalUserId: systemAccount.externalUserId },
        accounts: state.accounts.created().map((account) => ({
          id: account.id,
          externalUserId: account.externalUserId,
          createdAt: new Date(account.createdAt).toISOString(),
          deletedAt:
            account.deletedAt === undefined ? null : new Date(account.deletedAt).toISOString(),
          test: account.test,
        })),
      };
    },
    setFaults(faults) {
      const parsed = parseSimFaults(faults);
      if (parsed.expireTokens) state.tokens.expireAll(state.options.now());
      state.faults.set(parsed);
    },
    reset() {
      state.accounts.reset();
      state.tokens.reset();
      state.learning.reset();
      state.limiter.reset();
      state.calls.clear();
      state.counters.events = 0;
      state.counters.rateLimited = 0;
      state.faults.set({});
    },
  };
}

export function createSimRoutes(control: SimControl, state: SimState): SimRoute[] {
  return [
    {
      method: 'GET',
      path: '/__sim/stats',
      auth: 'sim',
      handler: () => jsonResponse(200, control.stats()),
    },
    {
      method: 'GET',
      path: '/__sim/accounts',
      auth: 'sim',
      handler: () => jsonResponse(200, control.accounts()),
    },
    {
      method: 'GET',
      path: '/__sim/graphs',
      auth: 'sim',
      handler: () => jsonResponse(200, { graphs: seededGraphs }),
    },
    {
      method: 'GET',
      path: '/__sim/faults',
      auth: 'sim',
      handler: () => jsonResponse(200, state.faults.current),
    },
    {
      method: 'PUT',
      path: '/__sim/faults',
      auth: 'sim',
      async handler({ request }) {
        const body = await readJsonObject(request).catch((error: unknown) => {
          // On this route every bad body is the caller's mistake in the same way: 400.
          if (error instanceof SimHttpError) throw new SimHttpError(400, error.message);
          throw error;
        });
        try {
          control.setFaults(body as SimFaults);
        } catch (error) {
          if (error instanceof TypeError) return errorResponse(400, error.message);
          throw error;
        }
        return jsonResponse(200, state.faults.current);
      },
    },
    {
      method: 'POST',
      path: '/__sim/reset',
      auth: 'sim',
      handler() {
        control.reset();
        return noContentResponse();
      },
    },
  ];
}
