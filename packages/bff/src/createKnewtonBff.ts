import { createBffRouter } from './http/createBffRouter.js';
import { createUserRateLimits } from './http/createUserRateLimits.js';
import type { NodeServerBindings } from './http/RouterEnv.js';
import { registerAccountRoutes } from './http/registerAccountRoutes.js';
import { registerHealthRoutes } from './http/registerHealthRoutes.js';
import { registerLearningRoutes } from './http/registerLearningRoutes.js';
import type { KnewtonBff, KnewtonBffOptions } from './KnewtonBffOptions.js';
import { createLearning } from './learning/createLearning.js';
import { createAccountProvisioner } from './provisioning/createAccountProvisioner.js';
import { countPlatformRateLimits } from './telemetry/countPlatformRateLimits.js';
import { instrumentProvisioner } from './telemetry/instrumentProvisioner.js';
import { createKnewtonTelemetry } from './telemetry/knewtonTelemetry.js';
import { validateKnewtonBffOptions } from './validateKnewtonBffOptions.js';

/**
 * The BFF: a Web-standard `fetch` handler serving the contract's routes under `basePath`, backed by a
 * provisioner it creates from `platform`, `store` and `externalIds` (migrating the store first) or one
 * you pass in. Options are validated before anything starts; a mistake throws a `TypeError` naming it.
 */
export async function createKnewtonBff(options: KnewtonBffOptions): Promise<KnewtonBff> {
  const resolved = validateKnewtonBffOptions(options);
  if (options.learning !== undefined && resolved.provisioner !== undefined) {
    throw new TypeError(
      'createKnewtonBff: `learning` needs `platform` and `store` (the BFF creates the provisioner then), not `provisioner`.',
    );
  }
  // OpenTelemetry through `@opentelemetry/api` only: no-ops unless the host registered an SDK.
  const telemetry = createKnewtonTelemetry();
  // Before the provisioner opens anything, so an invalid `learning` throws with nothing left running.
  const learning =
    options.learning === undefined
      ? undefined
      : createLearning(
          options.learning,
          resolved.platform as NonNullable<typeof resolved.platform>,
          resolved.store as NonNullable<typeof resolved.store>,
          resolved.logger,
          {
            onDeadLettered: (events, status) =>
              telemetry.eventsDeadLettered.add(events, { 'http.response.status_code': status }),
          },
        );
  const ownsProvisioner = resolved.provisioner === undefined;
  // Validated present whenever no `provisioner` was given, the only case that reads it.
  const platform = resolved.platform as NonNullable<typeof resolved.platform>;
  const provisioner = instrumentProvisioner(
    resolved.provisioner ??
      (await createAccountProvisioner({
        platform: { ...platform, fetch: countPlatformRateLimits(platform?.fetch, telemetry) },
        store: resolved.store as NonNullable<typeof resolved.store>,
        // With learning, delivery shares the store: `close()` below closes it once both have stopped.
        closeStore: learning === undefined,
        externalIds: resolved.externalIds as NonNullable<typeof resolved.externalIds>,
        logger: resolved.logger,
        ...(options.limits?.maxQueuedCreations === undefined
          ? {}
          : { maxQueuedCreations: options.limits.maxQueuedCreations }),
      })),
    telemetry,
  );

  const router = createBffRouter({
    logger: resolved.logger,
    allowedOrigins: resolved.allowedOrigins,
    maxBodyBytes: resolved.maxBodyBytes,
    basePath: resolved.basePath,
  });
  const rateLimits = createUserRateLimits(resolved.rateLimits);
  registerAccountRoutes(router, { provisioner, authenticate: resolved.authenticate, rateLimits });
  registerHealthRoutes(router, provisioner);
  if (learning) {
    learning.delivery.start();
    registerLearningRoutes(router, {
      authenticate: resolved.authenticate,
      store: resolved.store as NonNullable<typeof resolved.store>,
      recommender: learning.recommender,
      delivery: learning.delivery,
      rateLimits,
      options: learning.options,
    });
  }

  let closed: Promise<void> | undefined;
  return {
    // `env` is only read as @hono/node-server's bindings, defensively (any host may pass anything).
    // Not wrapped in a promise: a warm `PUT` answered synchronously lets @hono/node-server write it at once.
    fetch: (request, env) => router.app.fetch(request, env as NodeServerBindings | undefined),
    provisioner,
    async eraseAccount(appUserId) {
      if (!provisioner.eraseAccount)
        throw new TypeError('The provisioner given to createKnewtonBff has no eraseAccount');
      await provisioner.eraseAccount(appUserId);
    },
    optOut: (appUserId, context) => provisioner.optOut(appUserId, context),
    optIn: (appUserId, context) => provisioner.optIn(appUserId, context),
    isOptedOut: (appUserId) => provisioner.isOptedOut(appUserId),
    close(closeOptions) {
      // Delivery and provisioner stop concurrently, sharing one grace period (in turn would take twice as
      // long); then the shared store is closed, once neither uses it. Without learning the provisioner
      // closes the store itself.
      closed ??= (async () => {
        await Promise.all([
          learning?.delivery.close(closeOptions),
          ownsProvisioner ? provisioner.close(closeOptions) : undefined,
        ]);
        if (ownsProvisioner && learning)
          await (resolved.store as NonNullable<typeof resolved.store>).close();
      })();
      return closed;
    },
  };
}
