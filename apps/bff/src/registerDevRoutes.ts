import { ApiError, type BffRouter, readJsonBody } from '@knewton-kit/bff';
import type { PlatformSim } from '@knewton-kit/platform-sim';

/**
 * DEVELOPMENT ONLY, registered only when the simulator runs in-process and `NODE_ENV` is not
 * `production`: `PUT /dev/platform-faults` forwards to the simulator's faults (`{}` clears them), so the
 * demo can switch a platform outage on and off; `GET /dev/platform-stats` shows the simulator's counters.
 */
export function registerDevRoutes(router: BffRouter, sim: PlatformSim): void {
  // Kept here because the simulator has no getter for its faults; this route is how the demo sets them.
  let faultsSet: object = {};
  router.route('/dev/platform-faults', {
    GET: (c) => c.json(faultsSet, 200),
    PUT(c) {
      const faults = readJsonBody(c);
      if (typeof faults !== 'object' || faults === null || Array.isArray(faults)) {
        throw new ApiError(
          'bad_request',
          'Send a JSON object of simulator faults; {} clears them.',
        );
      }
      try {
        sim.setFaults(faults);
      } catch (error) {
        // The simulator's messages name the faulty field and carry no secrets.
        throw new ApiError('bad_request', (error as Error).message, { cause: error });
      }
      faultsSet = faults;
      return c.body(null, 204);
    },
  });
  router.route('/dev/platform-stats', {
    GET: (c) => c.json(sim.stats(), 200),
  });
}
