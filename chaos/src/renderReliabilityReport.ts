import type { ChaosProfile } from './chaosProfile.js';
import { isClean, type ScenarioResult } from './ScenarioResult.js';

const commands: Record<ScenarioResult['id'], string> = {
  soak: 'pnpm chaos --only soak',
  'scale-out':
    'TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test pnpm chaos --only scale-out',
  crashes: 'TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test pnpm chaos --only crashes',
  'store-faults':
    'TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test pnpm chaos --only store-faults',
  'platform-faults': 'pnpm chaos --only platform-faults',
  'bad-input': 'pnpm chaos --only bad-input',
  'pglite-owners': 'pnpm chaos --only pglite-owners',
  'pglite-crashes': 'pnpm chaos --only pglite-crashes',
  'slow-loris': 'pnpm chaos --only slow-loris',
  'production-start': 'pnpm chaos --only production-start',
  learning: 'TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test pnpm chaos --only learning',
  'learning-flood': 'pnpm chaos --only learning-flood',
  herd: 'TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test pnpm chaos --only herd',
};

export function commandFor(id: ScenarioResult['id']): string {
  return commands[id];
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const cell = (text: string) => text.replace(/\|/g, '\\|');

/** RELIABILITY.md: one table row per scenario, then each scenario's answers, faults and figures. */
export function renderReliabilityReport(
  results: readonly ScenarioResult[],
  context: { profile: ChaosProfile; startedAt: Date; totalMs: number; machine: string },
): string {
  const lines: string[] = [];
  const clean = results.every(isClean);
  lines.push('# Reliability figures');
  lines.push('');
  lines.push(
    `Written by \`pnpm chaos\` (profile \`${context.profile.name}\`) on ${context.startedAt.toISOString()}, ${context.machine}; the whole run took ${seconds(context.totalMs)}. ` +
      'Every scenario drives the example BFF (`apps/bff`, started as its own process exactly as `pnpm bff` runs it, configured only through its environment) over HTTP on loopback, against the platform simulator served from the harness process. ' +
      'How the suite works and how each verdict is computed: [chaos/README.md](chaos/README.md).',
  );
  lines.push('');
  lines.push(
    clean
      ? '**Verdict: every scenario clean** (0 duplicates, 0 lost accounts, 0 orphaned platform accounts, only documented answers).'
      : '**Verdict: NOT clean**: see the failures below.',
  );
  lines.push('');
  lines.push(
    '| scenario | store · BFF processes | load held | faults injected and survived | duplicates | lost | orphans | undocumented answers | reproduce |',
  );
  lines.push('|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    if (r.skipped) {
      lines.push(
        `| ${r.title} | ${r.store} · ${r.processes} | skipped: ${cell(r.skipped)} | – | – | – | – | – | \`${commandFor(r.id)}\` |`,
      );
      continue;
    }
    const { counts } = r.anomalies;
    const load = `${r.requests.toLocaleString('en-US')} requests, ${r.users.toLocaleString('en-US')} users, ${r.concurrency} concurrent, ${seconds(r.durationMs)} (${Math.round((r.requests / Math.max(1, r.durationMs)) * 1000)}/s)`;
    lines.push(
      `| ${r.title} | ${r.store} · ${r.processes} | ${load} | ${cell(r.faults.join('; '))} | ${counts.duplicates} | ${counts.lost} | ${counts.orphans} | ${counts.undocumented} | \`${commandFor(r.id)}\` |`,
    );
  }
  lines.push('');
  for (const r of results) {
    lines.push(`## ${r.title}`);
    lines.push('');
    if (r.skipped) {
      lines.push(`Skipped: ${r.skipped}.`);
      lines.push('');
      continue;
    }
    lines.push(`Reproduce: \`${commandFor(r.id)}\``);
    lines.push('');
    lines.push(
      `- Answers: ${Object.entries(r.answers)
        .map(([key, count]) => `${count.toLocaleString('en-US')} × \`${key}\``)
        .join(', ')}`,
    );
    lines.push(
      `- Platform: ${r.platform.created} accounts created, ${r.platform.duplicateRefused} creates refused as duplicates (lost-answer repairs), ${r.platform.droppedAfterCreate} create answers dropped, ${r.platform.injected429} injected 429s, **${r.platform.provoked429} 429s provoked by the BFF**${provokedDetail(r)}`,
    );
    for (const figure of r.figures) lines.push(`- ${figure}`);
    for (const kind of ['duplicates', 'lost', 'orphans', 'undocumented'] as const) {
      for (const line of r.anomalies[kind]) lines.push(`- **${kind}**: ${line}`);
    }
    for (const failure of r.failures) lines.push(`- **failure**: ${failure}`);
    lines.push('');
  }
  lines.push(...readingNotes(results));
  return `${lines.join('\n')}\n`;
}

/** Explanations of figures that look surprising, included only when the run shows them. */
function readingNotes(results: readonly ScenarioResult[]): string[] {
  const notes: string[] = [];
  const provoked = (limit: string) =>
    results.some((r) => Object.keys(r.platform.provokedBy).some((key) => key.endsWith(limit)));
  if (provoked('POST /v0/accounts token-limited')) {
    notes.push(
      "- **`token-limited` 429s on `POST /v0/accounts`** (found by this suite, reported to the BFF owner): the BFF paces creates at 750 starts in any sliding 60 s per process, exactly the documented limit, while the platform (as simulated) counts fixed windows opened by the first request to arrive. When the requests of a burst reach the platform a few milliseconds apart, the first requests after the BFF's window slides can still land in the platform's window. The BFF waits and resends, so no user sees an error; pacing with a small margin (e.g. a window a second longer than the platform's) would avoid them.",
    );
  }
  if (provoked('ip-limited')) {
    notes.push(
      '- **`ip-limited` 429s**: after the token revocation every request already in flight carries a dead token; the platform (as simulated) counts those as unauthenticated requests against its 10 per second per-IP limit. The BFF refreshes its token once (single-flight), waits and resends.',
    );
  }
  if (results.some((r) => r.id === 'platform-faults' && !r.skipped)) {
    notes.push(
      "- **The 429 storm phase is slow by design**: every resend spends one start of the BFF's own 750 per minute create budget, so once the budget is spent the BFF waits for its window instead of pressing the platform further; first visits then get 202 `queued` while their create waits out the 429s, 503 `knewton_unavailable` once the BFF knows creates are failing, both with `Retry-After`, and every one of them holds an account after the storm.",
    );
  }
  if (results.some((r) => r.id === 'soak' && !r.skipped && r.platform.created > 750)) {
    notes.push(
      "- **Soak throughput and 201 latency are bounded by the platform contract**: 2,000 first visits need at least three of the BFF's 750-per-minute create windows, so first visits beyond the first 750 wait up to two minutes; returning users are served meanwhile (see the warm p50/p99).",
    );
  }
  notes.push(
    '- **`connection lost`** appears only in the scenarios that kill BFFs: requests in flight to a process when it was killed, or sent while it restarted. The harness sends them again, as a browser would.',
    '- **Lost-answer repairs** (`creates refused as duplicates`): each is an account the platform created while the BFF could not store the row (killed, store down, answer dropped); the next ensure recovered its id through 422 duplicate → scoped token, never by creating again.',
  );
  return ['## Reading the figures', '', ...notes, ''];
}

function provokedDetail(result: ScenarioResult): string {
  const entries = Object.entries(result.platform.provokedBy);
  return entries.length === 0
    ? ''
    : ` (${entries.map(([limit, count]) => `${count} × \`${limit}\``).join(', ')}; each waited out and resent by the BFF)`;
}
