/**
 * The outage rows of BENCHMARKS.md: what a platform outage costs the platform in calls. N users arrive
 * over 2 s, each creating its account through the BFF's platform client and asking again after the
 * `Retry-After` it is given (as a browser's query layer does); the platform answers 503 to everything for
 * 30 s. "Cold": the outage starts before the BFF holds a token; "warm": it holds one already. The same
 * scenario as `packages/bff/src/platform/coldStartOutage.test.ts`, on a fake clock shared by the client
 * and the simulator, so the counts do not depend on the machine. Goal: under 60 calls in the 30 s.
 */
import { sleep } from '../packages/bff/src/clock.js';
import { isKnewtonUnavailableError } from '../packages/bff/src/errors.js';
import { createPlatformClient } from '../packages/bff/src/platform/createPlatformClient.js';
import { simOnTestClock } from '../packages/bff/test/support/simOnTestClock.js';

const outageMs = 30_000;
const bound = 60;

interface OutageRow {
  users: number;
  token: 'cold' | 'warm';
  duringOutage: number;
  tokenCalls: number;
  accounts: number;
}

async function throughOutage(users: number, token: 'cold' | 'warm'): Promise<OutageRow> {
  const env = simOnTestClock();
  const { clock, sim, sent } = env;
  const platform = createPlatformClient(env.platform);
  if (token === 'warm') await env.drive(platform.checkToken());
  const before = sent.length;
  sim.setFaults({ errorRate: 1, errorStatus: 503 });
  const startedAt = clock.now();
  const everyone = Promise.all(
    Array.from({ length: users }, async (_, user) => {
      await sleep(clock, (user * 2_000) / users);
      for (;;) {
        try {
          return await platform.createAccount(`outage-user-${user}`);
        } catch (error) {
          if (!isKnewtonUnavailableError(error) || error.status === 404) throw error;
          await sleep(clock, error.retryAfterSeconds * 1_000);
        }
      }
    }),
  );
  everyone.catch(() => {});
  await env.advance(startedAt + outageMs - clock.now(), 50);
  const during = sent.slice(before);
  sim.setFaults({});
  await env.drive(everyone, 50);
  return {
    users,
    token,
    duringOutage: during.length,
    tokenCalls: during.filter((r) => r.route === 'POST /v0/oauth/token').length,
    accounts: sim.stats().accounts,
  };
}

export async function outageSection(log: (line: string) => void): Promise<string> {
  const rows: OutageRow[] = [];
  for (const users of [50, 500])
    for (const token of ['cold', 'warm'] as const) {
      log(`outage: ${users} users, ${token} token...`);
      rows.push(await throughOutage(users, token));
    }
  return `## Platform outage: calls the BFF sends while the platform answers 503

50 or 500 users arrive over 2 s and each creates its account through the BFF's platform client,
asking again after each \`Retry-After\`; the platform answers 503 to everything for 30 s (\`bench/outageRows.ts\`,
the scenario of \`coldStartOutage.test.ts\`, on a fake clock shared by client and simulator: counts, not
timings, so they do not depend on the machine). Cold: the outage starts before the BFF holds a token;
warm: it holds one. Goal: under ${bound} platform calls in the 30 s.

| users | token | platform calls in the 30 s (token requests among them) | goal < ${bound} | accounts once the platform is back |
|---|---|---|---|---|
${rows.map((r) => `| ${r.users} | ${r.token} | ${r.duringOutage} (${r.tokenCalls}) | ${r.duringOutage < bound ? 'met' : '**missed**'} | ${r.accounts} of ${r.users} |`).join('\n')}
`;
}
