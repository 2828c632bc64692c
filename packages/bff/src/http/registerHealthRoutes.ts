import { bffPaths } from '@knewton-kit/contract';
import type { AccountProvisioner } from '../provisioning/types.js';
import type { BffRouter } from './createBffRouter.js';

/**
 * `GET /healthz` answers while the process runs; `GET /readyz` only when the store answers and a platform
 * token is obtainable (503 `store_unavailable` / `knewton_unavailable` otherwise), for load balancers.
 */
export function registerHealthRoutes(router: BffRouter, provisioner: AccountProvisioner): void {
  router.route(bffPaths.healthz, {
    GET: (c) => c.json({ status: 'ok' }, 200),
  });
  router.route(bffPaths.readyz, {
    async GET(c) {
      await provisioner.checkReadiness();
      return c.json({ status: 'ready' }, 200);
    },
  });
}
