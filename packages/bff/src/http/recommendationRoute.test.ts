import { seededGraphs } from '@knewton-kit/platform-sim';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type BffHarness,
  createBffHarness,
  harnessTimeoutMs,
} from '../../test/support/createBffHarness.js';
import {
  storeKinds,
  testDatabaseUrl,
  warnIfPostgresSkipped,
} from '../../test/support/testStores.js';
import type { LearningDatabase } from '../store/learningSchema.js';

const graph = seededGraphs[0] as (typeof seededGraphs)[number];
const modules = graph.moduleIds;
const at = '2026-12-01T09:00:00Z';

warnIfPostgresSkipped('recommendationRoute');

let harness: BffHarness | undefined;
afterEach(async () => {
  await harness?.dispose();
  harness = undefined;
});

interface LearningHarnessOptions {
  kind?: (typeof storeKinds)[number];
  recommendationCacheMs?: number;
}

/**
 * The real BFF with learning on, over the simulator; `drop` makes the next platform call of a route
 * (e.g. `POST /v0/registrations`) reach the simulator and then fail as if the answer was lost.
 */
async function learningHarness(options: LearningHarnessOptions = {}) {
  const drops = new Set<string>();
  let sim: BffHarness['sim'] | undefined;
  const created = await createBffHarness({
    store: options.kind ?? 'pglite',
    platform: {
      async fetch(input: Request | string | URL, init?: RequestInit) {
        const request = new Request(input, init);
        const response = await (sim as BffHarness['sim']).fetch(request);
        const route = `${request.method} ${new URL(request.url).pathname.replace(/^\/v0/, '')}`;
        if (drops.delete(route)) throw new TypeError('fetch failed (test: answer lost)');
        return response;
      },
    },
    bff: {
      learning: {
        graphId: graph.id,
        ...(options.recommendationCacheMs === undefined
          ? {}
          : { recommendationCacheMs: options.recommendationCacheMs }),
      },
    },
  });
  sim = created.sim;
  harness = created;
  const admin = async () => {
    const answer = await created.sim.fetch(
      new Request('http://sim/v0/oauth/token', {
        method: 'POST',
        headers: {
          authorization: `Basic ${btoa(`${created.sim.apiKey}:${created.sim.apiSecret}`)}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          scope: created.sim.systemExternalUserId,
        }),
      }),
    );
    return ((await answer.json()) as { access_token: string }).access_token;
  };
  const platformGet = async (path: string) => {
    const answer = await created.sim.fetch(
      new Request(`http://sim/v0${path}`, {
        headers: { authorization: `Bearer ${await admin()}` },
      }),
    );
    return (await answer.json()) as Record<string, unknown>[];
  };
  return {
    ...created,
    drop: (route: string) => drops.add(route),
    recommendation: (user: string) => created.request('/api/knewton/recommendation', { user }),
    ensure: async (user: string) => {
      const answer = await created.request('/api/knewton/account', { method: 'PUT', user });
      expect([200, 201]).toContain(answer.status);
    },
    /** What the platform holds: the partner's learning instances and their registrations. */
    async platformState() {
      const instances = await platformGet('/learning-instances');
      const registrations = (
        await Promise.all(
          instances.map((instance) =>
            platformGet(`/learning-instances/${instance.id}/registrations`),
          ),
        )
      ).flat();
      return { instances, registrations };
    },
    async storedRegistrations() {
      return created.testStore.store.db
        .withTables<LearningDatabase>()
        .selectFrom('knewton_registrations')
        .selectAll()
        .execute();
    },
    /** Sends graded answers as the learner would through the platform (what event delivery does). */
    async answer(user: string, moduleId: string, isCorrect: boolean, times = 1) {
      const [row] = (await this.storedRegistrations()).filter((r) => r.app_user_id === user);
      const account = await created.testStore.store.findByAppUserId(user);
      const token = await created.sim.fetch(
        new Request('http://sim/v0/oauth/token', {
          method: 'POST',
          headers: {
            authorization: `Basic ${btoa(`${created.sim.apiKey}:${created.sim.apiSecret}`)}`,
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: new URLSearchParams({
            grant_type: 'client_credentials',
            scope: account?.externalId ?? '',
          }),
        }),
      );
      const { access_token } = (await token.json()) as { access_token: string };
      const sent = await created.sim.fetch(
        new Request(`http://sim/v0/registrations/${row?.registration_id}/batch-events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            events: Array.from({ length: times }, () => ({
              type: 'graded',
              module_id: moduleId,
              interaction_end_time: at,
              is_correct: isCorrect,
            })),
          }),
        }),
      );
      expect(sent.status).toBe(204);
    },
  };
}

describe('GET /api/knewton/recommendation (createKnewtonBff with `learning`)', () => {
  it(
    'answers 401 signed out and 404 account_not_found without an account, creating nothing',
    async () => {
      const h = await learningHarness();
      const signedOut = await h.request('/api/knewton/recommendation');
      expect(signedOut.status).toBe(401);
      const missing = await h.recommendation('no-account-yet');
      expect(missing.status).toBe(404);
      expect((await missing.json()).error).toMatchObject({ code: 'account_not_found' });
      expect(h.sim.stats().accounts).toBe(0);
      expect(h.calls('POST /v0/accounts')).toBe(0);
      expect(h.calls('POST /v0/registrations')).toBe(0);
      expect(h.calls('POST /v0/learning-instances')).toBe(0);
    },
    harnessTimeoutMs,
  );

  it(
    'registers the learner once, on first use, and answers the contract shape',
    async () => {
      const h = await learningHarness();
      await h.ensure('ada');
      await h.ensure('grace');
      // Many requests at once and after: one instance, one registration per learner.
      const answers = await Promise.all(
        ['ada', 'ada', 'ada', 'grace', 'grace'].map((user) => h.recommendation(user)),
      );
      for (const answer of answers) expect(answer.status).toBe(200);
      const body = await (answers[0] as Response).json();
      expect(body).toEqual({
        recommendationId: expect.stringMatching(/^\d+$/),
        moduleIds: modules.slice(0, 10),
        status: 'unfocused',
      });
      expect((await h.recommendation('ada')).status).toBe(200);
      expect(h.calls('POST /v0/learning-instances')).toBe(1);
      expect(h.calls('POST /v0/registrations')).toBe(2);
      const { instances, registrations } = await h.platformState();
      expect(instances).toHaveLength(1);
      expect(instances[0]).toMatchObject({
        graph_id: graph.id,
        name: expect.stringMatching(/^knewton-kit \[[0-9a-f]{12}\]$/),
      });
      expect(registrations).toHaveLength(2);
      const stored = await h.storedRegistrations();
      expect(stored.map((row) => row.app_user_id).sort()).toEqual(['ada', 'grace']);
      expect(stored.map((row) => row.registration_id).sort()).toEqual(
        registrations.map((registration) => registration.id).sort(),
      );
    },
    harnessTimeoutMs,
  );

  it(
    'moves on along the graph as the learner masters modules',
    async () => {
      const h = await learningHarness();
      await h.ensure('ada');
      const first = await (await h.recommendation('ada')).json();
      expect(first.moduleIds[0]).toBe(modules[0]);
      await h.answer('ada', modules[0] as string, true, 2);
      const moved = await (await h.recommendation('ada')).json();
      expect(moved.moduleIds).toEqual(modules.slice(1, 11));
      expect(moved.recommendationId).not.toBe(first.recommendationId);
    },
    harnessTimeoutMs,
  );

  it(
    'stays under 15 platform calls a minute per learner, serving the cache beyond',
    async () => {
      const h = await learningHarness();
      await h.ensure('ada');
      await h.ensure('grace');
      const statuses: number[] = [];
      for (let i = 0; i < 25; i++) statuses.push((await h.recommendation('ada')).status);
      expect(statuses.every((status) => status === 200)).toBe(true);
      expect(h.calls('GET /v0/registrations/{id}/recommendation')).toBe(15);
      // The budget is per learner token: another learner is not held back by ada's.
      expect((await h.recommendation('grace')).status).toBe(200);
      expect(h.calls('GET /v0/registrations/{id}/recommendation')).toBe(16);
      expect(h.sim.stats().rateLimited).toBe(0);
    },
    harnessTimeoutMs,
  );

  it(
    'answers 429 rate_limited with Retry-After when the limit is reached and nothing fresh is cached',
    async () => {
      const h = await learningHarness({ recommendationCacheMs: 0 });
      await h.ensure('ada');
      for (let i = 0; i < 15; i++) expect((await h.recommendation('ada')).status).toBe(200);
      const limited = await h.recommendation('ada');
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await limited.json()).error).toMatchObject({ code: 'rate_limited', retryable: true });
      expect(h.sim.stats().rateLimited).toBe(0);
    },
    harnessTimeoutMs,
  );

  it(
    'answers 503 knewton_unavailable with Retry-After while the platform is down, then recovers',
    async () => {
      const h = await learningHarness();
      await h.ensure('ada');
      h.sim.setFaults({ errorRate: 1, errorStatus: 503 });
      const down = await h.recommendation('ada');
      expect(down.status).toBe(503);
      expect(Number(down.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await down.json()).error).toMatchObject({ code: 'knewton_unavailable' });
      h.sim.setFaults({});
      expect((await h.recommendation('ada')).status).toBe(200);
      expect((await h.platformState()).registrations).toHaveLength(1);
    },
    harnessTimeoutMs,
  );

  it(
    'renews an expired learner token by itself (one refresh, no error)',
    async () => {
      const h = await learningHarness();
      await h.ensure('ada');
      expect((await h.recommendation('ada')).status).toBe(200);
      const tokensBefore = h.calls('POST /v0/oauth/token');
      h.sim.setFaults({ expireTokens: true });
      expect((await h.recommendation('ada')).status).toBe(200);
      // The learner's token and nothing else was renewed.
      expect(h.calls('POST /v0/oauth/token')).toBe(tokensBefore + 1);
    },
    harnessTimeoutMs,
  );

  it(
    'repairs a lost learning-instance create and a lost registration create instead of repeating them',
    async () => {
      const h = await learningHarness();
      await h.ensure('ada');
      h.drop('POST /learning-instances');
      expect((await h.recommendation('ada')).status).toBe(503);
      h.drop('POST /registrations');
      expect((await h.recommendation('ada')).status).toBe(503);
      const repaired = await h.recommendation('ada');
      expect(repaired.status).toBe(200);
      expect(h.calls('POST /v0/learning-instances')).toBe(1);
      expect(h.calls('POST /v0/registrations')).toBe(1);
      const { instances, registrations } = await h.platformState();
      expect(instances).toHaveLength(1);
      expect(registrations).toHaveLength(1);
      expect((await h.storedRegistrations())[0]?.registration_id).toBe(registrations[0]?.id);
      expect(h.logLines.some((line) => line.includes('recovered after a lost create'))).toBe(true);
    },
    harnessTimeoutMs,
  );

  describe.each(storeKinds)('on %s', (kind) => {
    it.skipIf(kind === 'postgres' && !testDatabaseUrl)(
      'keeps the learning instance and registrations in the store: a new BFF on it creates none',
      async () => {
        const h = await learningHarness({ kind });
        await h.ensure('ada');
        expect((await h.recommendation('ada')).status).toBe(200);
        const { createKnewtonBff } = await import('../createKnewtonBff.js');
        const second = await createKnewtonBff({
          authenticate: () => 'ada',
          platform: {
            baseUrl: 'http://knewton.test',
            apiKey: h.sim.apiKey,
            apiSecret: h.sim.apiSecret,
            systemExternalUserId: h.sim.systemExternalUserId,
            fetch: (request: Request) => h.sim.fetch(request),
          },
          store: h.testStore.store,
          externalIds: { key: 'unused-here-because-the-account-exists-already' },
          learning: { graphId: graph.id },
        });
        const answer = await second.fetch(
          new Request('http://bff.test/api/knewton/recommendation'),
        );
        expect(answer.status).toBe(200);
        expect(h.calls('POST /v0/learning-instances')).toBe(1);
        expect(h.calls('POST /v0/registrations')).toBe(1);
      },
      harnessTimeoutMs,
    );
  });
});

describe('createKnewtonBff `learning` option', () => {
  it('refuses bad values with a TypeError naming the option, before opening anything', async () => {
    const { createKnewtonBff } = await import('../createKnewtonBff.js');
    const base = {
      authenticate: () => undefined,
      platform: {
        baseUrl: 'http://x.test',
        apiKey: 'k',
        apiSecret: 's',
        systemExternalUserId: 'x',
      },
      store: {
        kind: 'pglite',
        db: {},
        findByAppUserId: async () => undefined,
        withUserLock: async () => undefined,
        withFreeUserLocks: async () => undefined,
        ping: async () => {},
        close: async () => {},
      },
      externalIds: { key: 'a'.repeat(32) },
    } as unknown as Parameters<typeof createKnewtonBff>[0];
    const cases: [unknown, RegExp][] = [
      [{}, /`learning\.graphId`/],
      [{ graphId: 'algebra' }, /`learning\.graphId`/],
      [
        { graphId: graph.id, learningInstanceName: 'class of jane@example.com' },
        /learningInstanceName/,
      ],
      [{ graphId: graph.id, recommendationCacheMs: -1 }, /recommendationCacheMs/],
      [{ graphId: graph.id, graph: 'x' }, /`learning\.graph` is not an option/],
      ['gref-x', /`learning` must be an object/],
    ];
    for (const [learning, message] of cases) {
      await expect(
        createKnewtonBff({ ...base, learning } as Parameters<typeof createKnewtonBff>[0]),
      ).rejects.toThrow(message);
    }
  });
});
