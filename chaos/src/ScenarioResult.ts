import type { Anomalies } from './findAnomalies.js';

export type ScenarioId =
  | 'soak'
  | 'scale-out'
  | 'crashes'
  | 'store-faults'
  | 'platform-faults'
  | 'bad-input'
  | 'pglite-owners'
  | 'pglite-crashes'
  | 'slow-loris'
  | 'production-start'
  | 'learning'
  | 'learning-flood'
  | 'herd';

/** One row of RELIABILITY.md, and what the Vitest project asserts on. */
export interface ScenarioResult {
  id: ScenarioId;
  title: string;
  /** Set when the scenario could not run here (e.g. no `TEST_DATABASE_URL`), with the reason. */
  skipped?: string;
  /** `PGlite` or `PostgreSQL`. */
  store: string;
  /** BFF processes serving at once. */
  processes: number;
  users: number;
  /** Requests sent to the BFFs (ensures, fuzz inputs). */
  requests: number;
  /** Requests in flight at once from the harness's clients. */
  concurrency: number;
  durationMs: number;
  /** Answers by kind: `"200"`, `"503 store_unavailable"`, `"connection lost"`, ... */
  answers: Record<string, number>;
  /** The faults injected, each with how often. */
  faults: string[];
  /** What the platform answered the BFFs, from the harness's simulator. */
  platform: {
    created: number;
    duplicateRefused: number;
    provoked429: number;
    /** The provoked 429s by route and limit. */
    provokedBy: Record<string, number>;
    injected429: number;
    /** Create answers (`POST /v0/accounts` or `/v0/batch`) cut off after the platform committed them. */
    droppedAfterCreate: number;
  };
  /** Figures worth publishing (throughput, latency percentiles, recovery time). */
  figures: string[];
  anomalies: Anomalies & { counts: Record<keyof Anomalies, number> };
  /** Scenario-specific expectations that did not hold (e.g. "the outage never answered 503"). */
  failures: string[];
}

export function isClean(result: ScenarioResult): boolean {
  const { counts } = result.anomalies;
  return (
    result.skipped !== undefined ||
    (counts.duplicates === 0 &&
      counts.lost === 0 &&
      counts.orphans === 0 &&
      counts.undocumented === 0 &&
      result.failures.length === 0)
  );
}
