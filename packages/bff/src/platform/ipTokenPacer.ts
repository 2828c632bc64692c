import { SlidingWindowPacer } from './slidingWindowPacer.js';

/** Documented per-IP limit for token requests: 100 a second. */
const tokenRequestsPerSecond = 100;
/** The window with a little slack for the two clocks' rounding (see `SlidingWindowPacer`). */
const tokenWindowMs = 1_020;

/**
 * Kept on `globalThis` under a registered symbol, not in this module: a bundler or Next.js that
 * evaluates the module twice must still find the one pacer per platform.
 */
const registryKey = Symbol.for('@knewton-kit/bff/ipTokenPacers');
type Registry = Map<string, SlidingWindowPacer>;

/**
 * The one pacer of token requests (`POST /v0/oauth/token`) to the platform at `baseUrl` in this process.
 * The platform limits them per client IP, not per token, so every caller in the process shares it: the
 * account provisioner (the system token and the scoped tokens that repair a lost create), learning
 * (a scoped token per learner), and a backfill running beside the BFF. With a pacer each, two of them at
 * full speed sent 200 a second and the platform answered 429 `ip-limited`. Processes on one host still
 * share the IP without sharing this; their 429s are waited out and resent.
 */
export function ipTokenPacer(baseUrl: string): SlidingWindowPacer {
  const global = globalThis as { [registryKey]?: Registry };
  global[registryKey] ??= new Map();
  const registry = global[registryKey];
  const origin = new URL(baseUrl).origin;
  let pacer = registry.get(origin);
  if (pacer === undefined) {
    pacer = new SlidingWindowPacer(tokenRequestsPerSecond, tokenWindowMs);
    registry.set(origin, pacer);
  }
  return pacer;
}
