import { metrics, trace } from '@opentelemetry/api';
import type { EnsureOutcome } from '../provisioning/types.js';

/** The instrumentation scope every span and metric of the BFF is reported under. */
export const telemetryScope = '@knewton-kit/bff';

/**
 * How an ensure ended, as the span attribute and metric attribute `knewton.outcome` report it: the
 * provisioner's outcome, or `failed` when it threw.
 */
export type EnsureSpanOutcome = EnsureOutcome | 'failed';

/** The tracer and instruments, from whatever OpenTelemetry SDK the host registered (no-ops without one). */
export interface KnewtonTelemetry {
  tracer: ReturnType<typeof trace.getTracer>;
  ensureDuration: ReturnType<ReturnType<typeof metrics.getMeter>['createHistogram']>;
  accountsCreated: ReturnType<ReturnType<typeof metrics.getMeter>['createCounter']>;
  accountsRepaired: ReturnType<ReturnType<typeof metrics.getMeter>['createCounter']>;
  platformRateLimited: ReturnType<ReturnType<typeof metrics.getMeter>['createCounter']>;
  queueDepth: ReturnType<ReturnType<typeof metrics.getMeter>['createUpDownCounter']>;
  eventsDeadLettered: ReturnType<ReturnType<typeof metrics.getMeter>['createCounter']>;
}

/**
 * Reads the global tracer and meter providers once, when the BFF is created: start the host's
 * OpenTelemetry SDK before `createKnewtonBff` (as OpenTelemetry's own guides say for any library).
 * Only `@opentelemetry/api` is imported, so without an SDK every call is the API's no-op.
 */
export function createKnewtonTelemetry(): KnewtonTelemetry {
  const meter = metrics.getMeter(telemetryScope);
  return {
    tracer: trace.getTracer(telemetryScope),
    ensureDuration: meter.createHistogram('knewton.provisioning.duration', {
      description: 'How long an account ensure took, by outcome',
      unit: 's',
    }),
    accountsCreated: meter.createCounter('knewton.accounts.created', {
      description: 'Knewton accounts created on the platform',
    }),
    accountsRepaired: meter.createCounter('knewton.accounts.repaired', {
      description: 'Accounts whose lost create was recovered from the platform (422 duplicate)',
    }),
    platformRateLimited: meter.createCounter('knewton.platform.rate_limited', {
      description: 'Platform answers with status 429',
    }),
    queueDepth: meter.createUpDownCounter('knewton.provisioning.queue_depth', {
      description: 'Ensures waiting or in progress',
    }),
    eventsDeadLettered: meter.createCounter('knewton.learning.events_dead_lettered', {
      description:
        'Learning events the platform refused for good, moved to the dead letters (attribute: http.response.status_code)',
    }),
  };
}
