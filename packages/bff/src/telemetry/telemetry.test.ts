import { AsyncLocalStorage } from 'node:async_hooks';
import {
  type Context,
  type ContextManager,
  context,
  metrics,
  ROOT_CONTEXT,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import {
  AggregationTemporality,
  type DataPoint,
  type Histogram,
  MeterProvider,
  MetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  AlwaysOffSampler,
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type BffHarness,
  createBffHarness,
  harnessTimeoutMs,
} from '../../test/support/createBffHarness.js';
import { createKnewtonBff } from '../createKnewtonBff.js';
import type { AccountProvisioner, EnsureAccountResult } from '../provisioning/types.js';

/**
 * The few lines of `@opentelemetry/context-async-hooks`' manager these tests need (an SDK brings its own):
 * the active context follows async work through AsyncLocalStorage.
 */
class AsyncLocalStorageContextManager implements ContextManager {
  readonly #storage = new AsyncLocalStorage<Context>();
  active(): Context {
    return this.#storage.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    activeContext: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.#storage.run(activeContext, () => fn.apply(thisArg, args));
  }
  bind<T>(_context: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.#storage.disable();
    return this;
  }
}

/** Collects on demand, as a host's exporter would on its interval. */
class TestReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected async onForceFlush() {}
  protected async onShutdown() {}
}

let spans: InMemorySpanExporter;
let reader: TestReader;
let harness: BffHarness | undefined;

// A host registers its SDK before creating the BFF; each test gets fresh providers.
beforeEach(() => {
  spans = new InMemorySpanExporter();
  reader = new TestReader();
  trace.disable();
  metrics.disable();
  trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }),
  );
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
});
afterEach(async () => {
  await harness?.dispose();
  harness = undefined;
  trace.disable();
  metrics.disable();
});

/** Every data point of one metric, by name. */
async function points(name: string): Promise<DataPoint<number | Histogram>[]> {
  const { resourceMetrics } = await reader.collect();
  const metric = resourceMetrics.scopeMetrics
    .flatMap((scope) => scope.metrics)
    .find((candidate) => candidate.descriptor.name === name);
  return (metric?.dataPoints ?? []) as DataPoint<number | Histogram>[];
}
const total = async (name: string) =>
  (await points(name)).reduce((sum, point) => sum + (point.value as number), 0);
const durationCounts = async () =>
  Object.fromEntries(
    (await points('knewton.provisioning.duration')).map((point) => [
      point.attributes['knewton.outcome'],
      (point.value as Histogram).count,
    ]),
  );
const ensureSpans = () =>
  spans.getFinishedSpans().filter((span) => span.name === 'knewton.ensure_account');

describe('OpenTelemetry through @opentelemetry/api', () => {
  it(
    'a span per ensure with its outcome, the provisioning latency and the creates',
    async () => {
      harness = await createBffHarness();
      // A user id no request id (a UUID) could contain by chance: not hex, 8+ characters.
      const user = 'ada.lovelace';
      expect((await harness.request('/api/knewton/account', { method: 'PUT', user })).status).toBe(
        201,
      );
      expect((await harness.request('/api/knewton/account', { method: 'PUT', user })).status).toBe(
        200,
      );

      const finished = ensureSpans();
      expect(finished.map((span) => span.attributes['knewton.outcome'])).toEqual([
        'created',
        'existed',
      ]);
      expect(finished[0]?.attributes['knewton.request_id']).toEqual(expect.any(String));
      expect(finished[0]?.instrumentationScope.name).toBe('@knewton-kit/bff');
      // No user id in anything exported.
      expect(JSON.stringify(finished.map((span) => span.attributes))).not.toContain('lovelace');
      expect(await total('knewton.accounts.created')).toBe(1);
      expect(await durationCounts()).toEqual({ created: 1, existed: 1 });
      expect(await total('knewton.provisioning.queue_depth')).toBe(0);
    },
    harnessTimeoutMs,
  );

  it(
    'a failed ensure: outcome failed, span status error, and the platform 429s counted',
    async () => {
      harness = await createBffHarness();
      harness.sim.setFaults({ errorRate: 1, errorStatus: 429 });
      const answer = await harness.request('/api/knewton/account', {
        method: 'PUT',
        user: 'grace',
      });
      expect(answer.status).toBeGreaterThanOrEqual(429);

      const [span] = ensureSpans();
      expect(span?.attributes['knewton.outcome']).toBe('failed');
      expect(span?.status.code).toBe(SpanStatusCode.ERROR);
      expect(span?.events.map((event) => event.name)).toContain('exception');
      expect(await total('knewton.platform.rate_limited')).toBeGreaterThanOrEqual(1);
      expect(await durationCounts()).toEqual({ failed: 1 });
      expect(await total('knewton.accounts.created')).toBe(0);
    },
    harnessTimeoutMs,
  );

  it('reports repaired and queued outcomes a provisioner gives, and the ensures waiting', async () => {
    const account = {
      accountId: 'acc-1',
      createdAt: new Date(0),
    } as EnsureAccountResult['account'];
    const answers: EnsureAccountResult[] = [
      { account, created: true, outcome: 'repaired' } as EnsureAccountResult,
      { account, created: false, outcome: 'queued' } as EnsureAccountResult,
    ];
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const provisioner = {
      ensureAccount: async () => {
        await held;
        return answers.shift() as EnsureAccountResult;
      },
      getAccount: async () => undefined,
      checkReadiness: async () => {},
      close: async () => {},
    } as unknown as AccountProvisioner;
    const bff = await createKnewtonBff({ provisioner, authenticate: () => 'ada' });

    const first = bff.provisioner.ensureAccount('ada');
    const second = bff.provisioner.ensureAccount('ada');
    expect(await total('knewton.provisioning.queue_depth')).toBe(2);
    release();
    await Promise.all([first, second]);

    expect(ensureSpans().map((span) => span.attributes['knewton.outcome'])).toEqual([
      'repaired',
      'queued',
    ]);
    expect(await total('knewton.accounts.repaired')).toBe(1);
    expect(await total('knewton.accounts.created')).toBe(0);
    expect(await total('knewton.provisioning.queue_depth')).toBe(0);
    expect(await durationCounts()).toEqual({ repaired: 1, queued: 1 });
  });

  it('makes the ensure span the active one while the ensure runs: work inside it nests under it', async () => {
    const account = {
      accountId: 'acc-2',
      createdAt: new Date(0),
    } as EnsureAccountResult['account'];
    const provisioner = {
      // A host's provisioner whose own work is traced, as a platform call under an HTTP instrumentation is.
      ensureAccount: async () =>
        trace.getTracer('host').startActiveSpan('host.lookup', async (span) => {
          span.end();
          return { account, created: false, outcome: 'existed' } as EnsureAccountResult;
        }),
      getAccount: async () => undefined,
      checkReadiness: async () => {},
      close: async () => {},
    } as unknown as AccountProvisioner;
    const bff = await createKnewtonBff({ provisioner, authenticate: () => 'ada' });
    // A host's SDK registers a context manager; without one nothing is ever "active" in OpenTelemetry.
    context.setGlobalContextManager(new AsyncLocalStorageContextManager());
    try {
      await bff.provisioner.ensureAccount('ada', { requestId: 'req-1' });
    } finally {
      context.disable();
    }

    const [ensure] = ensureSpans();
    const inner = spans.getFinishedSpans().find((span) => span.name === 'host.lookup');
    expect(ensure?.attributes['knewton.request_id']).toBe('req-1');
    expect(inner?.parentSpanContext?.spanId).toBe(ensure?.spanContext().spanId);
    expect(inner?.spanContext().traceId).toBe(ensure?.spanContext().traceId);
  });

  it(
    'still records the metrics when the SDK samples the ensure span out',
    async () => {
      trace.disable();
      trace.setGlobalTracerProvider(
        new BasicTracerProvider({
          sampler: new AlwaysOffSampler(),
          spanProcessors: [new SimpleSpanProcessor(spans)],
        }),
      );
      harness = await createBffHarness();
      expect(
        (await harness.request('/api/knewton/account', { method: 'PUT', user: 'lin' })).status,
      ).toBe(201);
      expect(
        (await harness.request('/api/knewton/account', { method: 'PUT', user: 'lin' })).status,
      ).toBe(200);

      expect(ensureSpans()).toEqual([]);
      expect(await total('knewton.accounts.created')).toBe(1);
      expect(await durationCounts()).toEqual({ created: 1, existed: 1 });
      expect(await total('knewton.provisioning.queue_depth')).toBe(0);
    },
    harnessTimeoutMs,
  );
});
