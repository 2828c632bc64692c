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
  return `${lines.join('\n')}\n`;
}

function provokedDetail(result: ScenarioResult): string {
  const entries = Object.entries(result.platform.provokedBy);
  return entries.length === 0
    ? ''
    : ` (${entries.map(([limit, count]) => `${count} × \`${limit}\``).join(', ')}; each waited out and resent by the BFF)`;
}
