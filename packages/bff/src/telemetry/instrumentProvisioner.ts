import { context as otelContext, type Span, SpanStatusCode, trace } from '@opentelemetry/api';
import type {
  AccountProvisioner,
  EnsureAccountContext,
  EnsureAccountResult,
  EnsureOutcome,
  ProvisionedAccount,
  ProvisioningContext,
} from '../provisioning/types.js';
import type { EnsureSpanOutcome, KnewtonTelemetry } from './knewtonTelemetry.js';

const existedAttributes = Object.freeze({ 'knewton.outcome': 'existed' });

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
 * Wraps `ensureAccount` in an active span (`knewton.ensure_account`, attribute `knewton.outcome`) and
 * records the provisioning metrics. A wrapper, so provisioning stays free of telemetry and a host's own
 * provisioner is measured the same way. No user or external id is recorded: the request id correlates.
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
  async function measured(
    appUserId: string,
    context: EnsureAccountContext | undefined,
    span: Span | undefined,
  ): Promise<EnsureAccountResult> {
    if (span && context?.requestId) span.setAttribute('knewton.request_id', context.requestId);
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
      span?.recordException(error as Error);
      span?.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).name });
      throw error;
    } finally {
      telemetry.queueDepth.add(-1);
      span?.setAttribute('knewton.outcome', outcome);
      telemetry.ensureDuration.record((performance.now() - started) / 1000, {
        'knewton.outcome': outcome,
      });
      span?.end();
    }
  }
  // Not `startActiveSpan`: it makes even a non-recording span current, a context and a `context.with`
  // per ensure (~6% of the warm path's CPU without an SDK). A recording span is made current the same
  // way, so the platform calls nest under it; a non-recording one is only ended (`isRecording()`).
  const ensureAccount = ((appUserId: string, context?: EnsureAccountContext) => {
    const span = telemetry.tracer.startSpan('knewton.ensure_account');
    if (!span.isRecording()) {
      span.end();
      return measured(appUserId, context, undefined);
    }
    return otelContext.with(trace.setSpan(otelContext.active(), span), () =>
      measured(appUserId, context, span),
    );
  }) as AccountProvisioner['ensureAccount'];
  const knownUntyped = provisioner.knownAccount;
  // An ensure answered from memory is still an ensure that found the account: the same span (started and
  // ended at once, nothing runs inside it) and the same metrics, outcome `existed`.
  const knownAccount =
    knownUntyped === undefined
      ? undefined
      : (appUserId: string, context?: ProvisioningContext): ProvisionedAccount | undefined => {
          const started = performance.now();
          const account = knownUntyped.call(provisioner, appUserId, context);
          if (account === undefined) return undefined;
          const span = telemetry.tracer.startSpan('knewton.ensure_account');
          if (span.isRecording()) {
            if (context?.requestId) span.setAttribute('knewton.request_id', context.requestId);
            span.setAttribute('knewton.outcome', 'existed');
          }
          span.end();
          telemetry.ensureDuration.record((performance.now() - started) / 1000, existedAttributes);
          return account;
        };
  // A proxy, not a copy: every other method (and any added later) stays the provisioner's own.
  return new Proxy(provisioner, {
    get(target, property) {
      if (property === 'ensureAccount') return ensureAccount;
      if (property === 'knownAccount') return knownAccount;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
