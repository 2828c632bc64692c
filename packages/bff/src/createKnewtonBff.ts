import { createBffRouter } from './http/createBffRouter.js';
import { createRateLimiter } from './http/createRateLimiter.js';
import { registerAccountRoutes } from './http/registerAccountRoutes.js';
import { registerHealthRoutes } from './http/registerHealthRoutes.js';
import type { KnewtonBff, KnewtonBffOptions } from './KnewtonBffOptions.js';
import { createAccountProvisioner } from './provisioning/createAccountProvisioner.js';
import { validateKnewtonBffOptions } from './validateKnewtonBffOptions.js';

/**
 * The BFF: a Web-standard `fetch` handler serving the contract's routes under `basePath`, backed by a
 * provisioner it creates from `platform`, `store` and `externalIds` (migrating the store first) or one
 * you pass in. Options are validated before anything starts; a mistake throws a `TypeError` naming it.
 */
export async function createKnewtonBff(options: KnewtonBffOptions): Promise<KnewtonBff> {
  const resolved = validateKnewtonBffOptions(options);
  const ownsProvisioner = resolved.provisioner === undefined;
  const provisioner =
    resolved.provisioner ??
    (await createAccountProvisioner({
      // Present: validated above when no provisioner was given.
      platform: resolved.platform as NonNullable<typeof resolved.platform>,
      store: resolved.store as NonNullable<typeof resolved.store>,
      externalIds: resolved.externalIds as NonNullable<typeof resolved.externalIds>,
      logger: resolved.logger,
      ...(options.limits?.maxQueuedCreations === undefined
        ? {}
        : { maxQueuedCreations: options.limits.maxQueuedCreations }),
    }));

  const router = createBffRouter({
    logger: resolved.logger,
    allowedOrigins: resolved.allowedOrigins,
    maxBodyBytes: resolved.maxBodyBytes,
    basePath: resolved.basePath,
  });
  registerAccountRoutes(router, {
    provisioner,
    authenticate: resolved.authenticate,
    rateLimiter: resolved.rateLimit === false ? undefined : createRateLimiter(resolved.rateLimit),
  });
  registerHealthRoutes(router, provisioner);

  let closed: Promise<void> | undefined;
  return {
    fetch: async (request) => router.app.fetch(request),
    provisioner,
    close(closeOptions) {
      closed ??= ownsProvisioner ? provisioner.close(closeOptions) : Promise.resolve();
      return closed;
    },
  };
}
