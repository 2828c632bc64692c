import type { PlatformFetch } from '../platform/createPlatformTransport.js';
import type { KnewtonTelemetry } from './knewtonTelemetry.js';

/**
 * A `fetch` for the platform client that counts the platform's 429 answers. Outside the client on
 * purpose: every platform call goes through `fetch`, so nothing in `platform/` needs to know about
 * telemetry. The global `fetch` is looked up per call, so a test's interceptor (MSW) still applies.
 */
export function countPlatformRateLimits(
  fetchImpl: PlatformFetch | undefined,
  telemetry: KnewtonTelemetry,
): PlatformFetch {
  return async (request, init) => {
    const response = await (fetchImpl ?? globalThis.fetch)(request, init);
    if (response.status === 429) telemetry.platformRateLimited.add(1);
    return response;
  };
}
