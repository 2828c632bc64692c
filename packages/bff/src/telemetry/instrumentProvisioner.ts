import { SpanStatusCode } from '@opentelemetry/api';
import type {
  AccountProvisioner,
  EnsureAccountContext,
  EnsureAccountResult,
  EnsureOutcome,
} from '../provisioning/types.js';
import type { EnsureSpanOutcome, KnewtonTelemetry } from './knewtonTelemetry.js';

/** The outcome the provisioner reports, or the one its `created` flag implies. */
function outcomeOf(result: EnsureAccountResult): EnsureOutcome {
  const reported = (result as { outcome?: unknown }).outcome;
  if (
    reported === 'existed' ||
    reported === 'created' ||
    reported === 'repaired' ||
    reported === 'queued'
  ) {
    return reported;
  }
  return result.created ? 'created' : 'existed';
}

/**
 * Wraps `ensureAccount` in a span (`knewton.ensure_account`, attribute `knewton.outcome`) and records
 * the provisioning metrics. A wrapper rather than calls inside the provisioner: provisioning stays free
 * of telemetry, and a host's own provisioner passed to `createKnewtonBff` is measured the same way.
 * No user id or external id goes into a span or a metric: the request id is enough to correlate.
 */
export function instrumentProvisioner(
  provisioner: AccountProvisioner,
  telemetry: KnewtonTelemetry,
): AccountProvisioner {
  // One implementation for both overloads of `ensureAccount` (with and without `holdMs`).
  const ensureUntyped = provisioner.ensureAccount as (
    appUserId: string,
    context?: EnsureAccountContext,
  ) => Promise<EnsureAccountResult>;
  const ensureAccount = ((appUserId: string, context?: EnsureAccountContext) =>
    telemetry.tracer.startActiveSpan('knewton.ensure_account', async (span) => {
      if (context?.requestId) span.setAttribute('knewton.request_id', context.requestId);
      const started = performance.now();
      telemetry.queueDepth.add(1);
      let outcome: EnsureSpanOutcome = 'failed';
      try {
        const result = await ensureUntyped.call(provisioner, appUserId, context);
        outcome = outcomeOf(result);
        if (outcome === 'created') telemetry.accountsCreated.add(1);
        if (outcome === 'repaired') telemetry.accountsRepaired.add(1);
        return result;
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).name });
        throw error;
      } finally {
        telemetry.queueDepth.add(-1);
        span.setAttribute('knewton.outcome', outcome);
        telemetry.ensureDuration.record((performance.now() - started) / 1000, {
          'knewton.outcome': outcome,
        });
        span.end();
      }
    })) as AccountProvisioner['ensureAccount'];
  // A proxy, not a copy: every other method (and any added later) stays the provisioner's own.
  return new Proxy(provisioner, {
    get(target, property) {
      if (property === 'ensureAccount') return ensureAccount;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
