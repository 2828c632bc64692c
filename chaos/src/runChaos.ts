/**
 * `pnpm chaos`: runs the reliability scenarios against the example BFF and writes RELIABILITY.md.
 * Flags: `--only <id>[,<id>]` (soak, scale-out, crashes, store-faults, platform-faults, bad-input,
 * pglite-owners, pglite-crashes, slow-loris, production-start, learning, learning-flood, herd),
 * `--profile trimmed` (the small run that `pnpm test` also does), `--out <file>` (default RELIABILITY.md
 * at the root; with `--only` or `--profile trimmed`, nothing is written unless `--out` is given).
 * Exits 1 if any scenario found a duplicate, a lost account, an orphan, an undocumented answer or a failure.
 */
import { writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fullProfile, trimmedProfile } from './chaosProfile.js';
import { renderReliabilityReport } from './renderReliabilityReport.js';
import { repoRoot } from './repoRoot.js';
import { runScenarios, scenarioIds } from './runScenarios.js';
import { isClean, type ScenarioId } from './ScenarioResult.js';
import { killAllBffs } from './spawnBff.js';
import { testDatabaseUrl } from './testDatabase.js';

const { values } = parseArgs({
  options: { only: { type: 'string' }, profile: { type: 'string' }, out: { type: 'string' } },
});
const only = values.only?.split(',').map((id) => id.trim()) ?? [...scenarioIds];
for (const id of only) {
  if (!scenarioIds.includes(id as ScenarioId)) {
    console.error(`chaos: unknown scenario \`${id}\`; choose from ${scenarioIds.join(', ')}.`);
    process.exit(2);
  }
}
if (values.profile !== undefined && values.profile !== 'full' && values.profile !== 'trimmed') {
  console.error('chaos: `--profile` must be `full` or `trimmed`.');
  process.exit(2);
}
const profile = values.profile === 'trimmed' ? trimmedProfile : fullProfile;
const databaseUrl = testDatabaseUrl();
if (databaseUrl === undefined) {
  console.warn(
    'chaos: TEST_DATABASE_URL is not set; the PostgreSQL scenarios (scale-out, crashes, store faults, herd) are skipped.',
  );
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAllBffs();
    process.exit(130);
  });
}

const startedAt = new Date();
const results = await runScenarios(only as ScenarioId[], profile, databaseUrl, (result) => {
  const { counts } = result.anomalies;
  console.log(
    result.skipped
      ? `- ${result.title}: skipped (${result.skipped})`
      : `- ${result.title}: ${result.requests} requests in ${(result.durationMs / 1000).toFixed(1)} s; duplicates ${counts.duplicates}, lost ${counts.lost}, orphans ${counts.orphans}, undocumented ${counts.undocumented}${result.failures.length ? `; FAILURES: ${result.failures.join(' / ')}` : ''}`,
  );
});
const totalMs = Date.now() - startedAt.getTime();
const report = renderReliabilityReport(results, {
  profile,
  startedAt,
  totalMs,
  machine: `Node ${process.version}, ${cpus().length} CPU cores`,
});
const writeDefault = values.only === undefined && profile.name === 'full';
const out = values.out ?? (writeDefault ? join(repoRoot, 'RELIABILITY.md') : undefined);
if (out) {
  await writeFile(out, report);
  console.log(`Wrote ${out}.`);
} else {
  console.log(report);
}
process.exit(results.every(isClean) ? 0 : 1);
