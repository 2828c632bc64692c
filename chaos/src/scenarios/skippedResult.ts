import type { ScenarioId, ScenarioResult } from '../ScenarioResult.js';
import { databaseUrlVariable } from '../testDatabase.js';

/** The row of a PostgreSQL scenario that could not run because no database URL was given. */
export function skippedResult(id: ScenarioId, title: string, processes: number): ScenarioResult {
  return {
    id,
    title,
    skipped: `${databaseUrlVariable} is not set (e.g. postgres://postgres@127.0.0.1:5432/test), so the PostgreSQL scenario did not run`,
    store: 'PostgreSQL',
    processes,
    users: 0,
    requests: 0,
    concurrency: 0,
    durationMs: 0,
    answers: {},
    faults: [],
    platform: {
      created: 0,
      duplicateRefused: 0,
      provoked429: 0,
      provokedBy: {},
      injected429: 0,
      droppedAfterCreate: 0,
    },
    figures: [],
    anomalies: {
      duplicates: [],
      lost: [],
      orphans: [],
      undocumented: [],
      counts: { duplicates: 0, lost: 0, orphans: 0, undocumented: 0 },
    },
    failures: [],
  };
}
