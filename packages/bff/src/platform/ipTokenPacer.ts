import { type Clock, systemClock } from '../clock.js';
import { pacingSlackMs, perIpWindowMs, tokenRequestsPerSecond } from './platformLimits.js';
import { SlidingWindowPacer } from './slidingWindowPacer.js';

/**
 * Kept on `globalThis` under a registered symbol, not in this module: a bundler or Next.js that
 * evaluates the module twice must still find the one pacer per platform.
 */
const registryKey = Symbol.for('@knewton-kit/bff/ipTokenPacers');
type Registry = Map<string, SlidingWindowPacer>;

/** Pacers on another clock (a test's fake one): one registry per clock, so tests never share a window. */
const registriesByClock = new WeakMap<Clock, Registry>();

/**
 * The one pacer of token requests (`POST /v0/oauth/token`) to the platform at `baseUrl` in this process.
 * The platform limits them per client IP, not per token, so every caller in the process shares it: the
 * account provisioner (the system token and the scoped tokens that repair a lost create), learning
 * (a scoped token per learner), and a backfill running beside the BFF. With a pacer each, two of them at
 * full speed would send 200 a second. Processes on one host still share the IP without sharing this;
 * their 429s are waited out and resent.
 */
export function ipTokenPacer(baseUrl: string, clock: Clock = systemClock): SlidingWindowPacer {
  const registry = registryFor(clock);
  const origin = new URL(baseUrl).origin;
  let pacer = registry.get(origin);
  if (pacer === undefined) {
    pacer = new SlidingWindowPacer(tokenRequestsPerSecond, perIpWindowMs + pacingSlackMs, clock);
    registry.set(origin, pacer);
  }
  return pacer;
}

function registryFor(clock: Clock): Registry {
  if (clock !== systemClock) {
    let registry = registriesByClock.get(clock);
    if (registry === undefined) {
      registry = new Map();
      registriesByClock.set(clock, registry);
    }
    return registry;
  }
  const global = globalThis as { [registryKey]?: Registry };
  global[registryKey] ??= new Map();
  return global[registryKey];
}
