import type { ChaosProfile } from './chaosProfile.js';
import type { ScenarioId, ScenarioResult } from './ScenarioResult.js';
import { runBadInput } from './scenarios/runBadInput.js';
import { runCrashes } from './scenarios/runCrashes.js';
import { runHerd } from './scenarios/runHerd.js';
import { runLearning } from './scenarios/runLearning.js';
import { runLearningFlood } from './scenarios/runLearningFlood.js';
import { runPgliteCrashes } from './scenarios/runPgliteCrashes.js';
import { runPgliteOwners } from './scenarios/runPgliteOwners.js';
import { runPlatformFaults } from './scenarios/runPlatformFaults.js';
import { runProductionStart } from './scenarios/runProductionStart.js';
import { runScaleOut } from './scenarios/runScaleOut.js';
import { runSlowLoris } from './scenarios/runSlowLoris.js';
import { runSoak } from './scenarios/runSoak.js';
import { runStoreFaults } from './scenarios/runStoreFaults.js';
import { killAllBffs } from './spawnBff.js';

export const scenarioIds: readonly ScenarioId[] = [
  'soak',
  'scale-out',
  'crashes',
  'store-faults',
  'platform-faults',
  'bad-input',
  'pglite-owners',
  'pglite-crashes',
  'slow-loris',
  'production-start',
  'learning',
  'learning-flood',
  'herd',
];

/** Runs one scenario; PostgreSQL scenarios report themselves skipped without `databaseUrl`. */
export function runScenario(
  id: ScenarioId,
  profile: ChaosProfile,
  databaseUrl: string | undefined,
): Promise<ScenarioResult> {
  switch (id) {
    case 'soak':
      return runSoak(profile);
    case 'scale-out':
      return runScaleOut(profile, databaseUrl);
    case 'crashes':
      return runCrashes(profile, databaseUrl);
    case 'store-faults':
      return runStoreFaults(profile, databaseUrl);
    case 'platform-faults':
      return runPlatformFaults(profile);
    case 'bad-input':
      return runBadInput(profile);
    case 'pglite-owners':
      return runPgliteOwners(profile);
    case 'pglite-crashes':
      return runPgliteCrashes(profile);
    case 'slow-loris':
      return runSlowLoris(profile);
    case 'production-start':
      return runProductionStart();
    case 'learning':
      return runLearning(profile, databaseUrl);
    case 'learning-flood':
      return runLearningFlood(profile);
    case 'herd':
      return runHerd(profile, databaseUrl);
  }
}

/** Runs the scenarios one after the other (they share two cores); every BFF is killed at the end. */
export async function runScenarios(
  ids: readonly ScenarioId[],
  profile: ChaosProfile,
  databaseUrl: string | undefined,
  onResult: (result: ScenarioResult) => void = () => {},
): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  try {
    for (const id of ids) {
      const result = await runScenario(id, profile, databaseUrl);
      results.push(result);
      onResult(result);
    }
  } finally {
    killAllBffs();
  }
  return results;
}
