import { apiRequest } from '../http/apiRequest.js';

/** The dev-only BFF route that forwards to the in-process simulator's `PUT /__sim/faults`. */
const platformFaultsUrl = '/api/dev/platform-faults';

/** Every platform call fails with 503 while on; `{}` clears all faults. */
const outageFaults = { errorRate: 1, errorStatus: 503 } as const;

export async function setPlatformOutage(on: boolean): Promise<void> {
  await apiRequest<unknown>(platformFaultsUrl, { method: 'PUT', body: on ? outageFaults : {} });
}

/** Whether the server's simulator is in an outage now, whichever tab switched it. */
export async function readPlatformOutage(): Promise<boolean> {
  const faults = await apiRequest<{ errorRate?: unknown }>(platformFaultsUrl);
  return faults.errorRate === 1;
}
