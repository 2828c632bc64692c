import {
  createPlatformSim,
  type PlatformSim,
  type PlatformSimOptions,
} from '@knewton-kit/platform-sim';
import type { PlatformClientOptions } from '../../src/platform/PlatformClientOptions.js';
import { createTestClock, type TestClock } from './createTestClock.js';
import type { Intercept } from './deliveryHarness.js';

/** One request as it reached the simulator. */
export interface SentRequest {
  /** Fake-clock time of arrival. */
  at: number;
  /** `METHOD /v0/path`. */
  route: string;
  /** The `scope` of a token request. */
  scope: string | undefined;
  /** `request-label`, `''` when absent. */
  label: string;
}

export interface SimOnTestClock {
  clock: TestClock;
  sim: PlatformSim;
  /** Client options for `sim` on `clock`, every request recorded in `sent`. */
  platform: PlatformClientOptions;
  sent: SentRequest[];
  /** Requests to `route` (`METHOD /v0/path`, ids as they were) so far. */
  count(route: string): number;
  /** Moves the clock on in small steps until `promise` settles; its value or its rejection. */
  drive<T>(promise: Promise<T>, stepMs?: number): Promise<T>;
  /** Moves the clock on by `ms` in small steps, letting the simulator answer between them. */
  advance(ms: number, stepMs?: number): Promise<void>;
}

let origins = 0;

/**
 * A simulator and client options that share one fake clock: the client's pacing, timeouts and token
 * expiry and the simulator's rate-limit windows and token expiry all read it, so a minute of platform
 * time takes milliseconds. Each call gets its own origin (and so its own per-IP token pacer).
 */
export function simOnTestClock(
  options: {
    sim?: PlatformSimOptions;
    intercept?: Intercept;
    platform?: Partial<PlatformClientOptions>;
  } = {},
): SimOnTestClock {
  const clock = createTestClock();
  const sim = createPlatformSim({ ...options.sim, now: () => clock.now() });
  const sent: SentRequest[] = [];
  const next = (request: Request) => sim.fetch(request);
  const platform: PlatformClientOptions = {
    baseUrl: `http://sim-${++origins}.test`,
    apiKey: sim.apiKey,
    apiSecret: sim.apiSecret,
    systemExternalUserId: sim.systemExternalUserId,
    clock,
    fetch: async (request) => {
      const url = new URL(request.url);
      const scope =
        url.pathname === '/v0/oauth/token'
          ? (new URLSearchParams(await request.clone().text()).get('scope') ?? undefined)
          : undefined;
      sent.push({
        at: clock.now(),
        route: `${request.method} ${url.pathname}`,
        scope,
        label: request.headers.get('request-label') ?? '',
      });
      return options.intercept ? options.intercept(request, next) : next(request);
    },
    ...options.platform,
  };
  async function advance(ms: number, stepMs = 10): Promise<void> {
    const until = clock.now() + ms;
    while (clock.now() < until) await clock.advance(Math.min(stepMs, until - clock.now()));
  }
  return {
    clock,
    sim,
    platform,
    sent,
    count: (route) => sent.filter((request) => request.route === route).length,
    async drive(promise, stepMs = 10) {
      let settled = false;
      promise.then(
        () => {
          settled = true;
        },
        () => {
          settled = true;
        },
      );
      // A few real turns first: an answer that needs no timer settles without moving the clock.
      for (let turn = 0; turn < 5 && !settled; turn++) await new Promise(setImmediate);
      for (let steps = 0; !settled; steps++) {
        if (steps > 1_000_000) throw new Error('drive: the promise never settled');
        await clock.advance(stepMs);
      }
      return promise;
    },
    advance,
  };
}
