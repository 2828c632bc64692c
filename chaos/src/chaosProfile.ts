/** How big each scenario runs: `full` for `pnpm chaos`, `trimmed` for the run inside `pnpm test`. */
export interface ChaosProfile {
  name: 'full' | 'trimmed';
  soak: { users: number; requests: number; concurrency: number };
  scaleOut: { processes: number; users: number; requestsPerUser: number; concurrentUsers: number };
  crashes: {
    processes: number;
    users: number;
    kills: number;
    concurrency: number;
    holdCreateAnswersMs: number;
  };
  storeFaults: {
    processes: number;
    warmUsers: number;
    stormMs: number;
    outageMs: number;
    concurrency: number;
  };
  platformFaults: {
    warmUsers: number;
    usersPerPhase: number;
    concurrency: number;
    hangUsers: number;
  };
  badInput: { runs: number };
  /** Two BFFs on one PGlite folder: rounds of kill -9 of the owner with a contender waiting. */
  pgliteOwners: { rounds: number; usersPerRound: number; concurrency: number };
  /** One BFF on PGlite, kill -9ed mid-provisioning and restarted on the same folder. */
  pgliteCrashes: { users: number; kills: number; concurrency: number; holdCreateAnswersMs: number };
  /** Sockets one slow-loris client wants (more than the BFF's open-file limit), for how long. */
  slowLoris: {
    sockets: number;
    attackMs: number;
    /** The attack starts when 95% of the sockets are open, or after this long. */
    maxRampMs: number;
    concurrency: number;
    bffOpenFiles: number;
  };
  /**
   * Learners sending graded events to two BFFs on one PostgreSQL, kill -9s of those BFFs, and a platform
   * outage in the middle (`runLearning`).
   */
  learning: {
    learners: number;
    /** Each learner's pause between events (± 25%). */
    eventIntervalMs: number;
    /** How long learners keep sending. */
    runMs: number;
    kills: number;
    outageAtMs: number;
    outageMs: number;
    /** How long the simulator holds each batch-events answer after recording the events. */
    holdEventAnswersMs: number;
    /** Share of a learner's events followed by a recommendation request. */
    recommendationShare: number;
    drainTimeoutMs: number;
  };
  /** One learner flooding `POST /events` beside ordinary learners (`runLearningFlood`). */
  learningFlood: {
    learners: number;
    flooderConnections: number;
    runMs: number;
    eventIntervalMs: number;
    drainTimeoutMs: number;
  };
  /** Cohorts of new users ensuring at once over several PostgreSQL BFFs, kill -9 aimed at held batches. */
  herd: {
    processes: number;
    users: number;
    waves: number;
    kills: number;
    holdCreateAnswersMs: number;
  };
}

export const fullProfile: ChaosProfile = {
  name: 'full',
  soak: { users: 2_000, requests: 20_000, concurrency: 64 },
  scaleOut: { processes: 4, users: 500, requestsPerUser: 8, concurrentUsers: 16 },
  crashes: { processes: 4, users: 1_500, kills: 60, concurrency: 32, holdCreateAnswersMs: 150 },
  storeFaults: { processes: 2, warmUsers: 200, stormMs: 10_000, outageMs: 5_000, concurrency: 16 },
  platformFaults: { warmUsers: 100, usersPerPhase: 60, concurrency: 16, hangUsers: 8 },
  badInput: { runs: 2_000 },
  pgliteOwners: { rounds: 20, usersPerRound: 30, concurrency: 8 },
  pgliteCrashes: { users: 600, kills: 36, concurrency: 16, holdCreateAnswersMs: 150 },
  slowLoris: {
    sockets: 5_000,
    attackMs: 60_000,
    maxRampMs: 60_000,
    concurrency: 8,
    bffOpenFiles: 4_096,
  },
  learning: {
    learners: 1_000,
    eventIntervalMs: 5_000,
    runMs: 240_000,
    kills: 8,
    outageAtMs: 90_000,
    outageMs: 60_000,
    holdEventAnswersMs: 150,
    recommendationShare: 0.02,
    drainTimeoutMs: 240_000,
  },
  learningFlood: {
    learners: 200,
    flooderConnections: 8,
    runMs: 60_000,
    eventIntervalMs: 5_000,
    drainTimeoutMs: 300_000,
  },
  herd: { processes: 3, users: 2_000, waves: 6, kills: 12, holdCreateAnswersMs: 300 },
};

export const trimmedProfile: ChaosProfile = {
  name: 'trimmed',
  soak: { users: 200, requests: 2_000, concurrency: 32 },
  scaleOut: { processes: 4, users: 80, requestsPerUser: 8, concurrentUsers: 8 },
  crashes: { processes: 3, users: 200, kills: 8, concurrency: 16, holdCreateAnswersMs: 150 },
  storeFaults: { processes: 1, warmUsers: 30, stormMs: 3_000, outageMs: 2_000, concurrency: 8 },
  platformFaults: { warmUsers: 20, usersPerPhase: 12, concurrency: 8, hangUsers: 3 },
  badInput: { runs: 300 },
  pgliteOwners: { rounds: 2, usersPerRound: 10, concurrency: 4 },
  pgliteCrashes: { users: 80, kills: 3, concurrency: 8, holdCreateAnswersMs: 150 },
  slowLoris: { sockets: 600, attackMs: 5_000, maxRampMs: 8_000, concurrency: 4, bffOpenFiles: 512 },
  learning: {
    learners: 50,
    eventIntervalMs: 2_000,
    runMs: 14_000,
    kills: 1,
    outageAtMs: 8_000,
    outageMs: 5_000,
    holdEventAnswersMs: 150,
    recommendationShare: 0.1,
    drainTimeoutMs: 60_000,
  },
  learningFlood: {
    learners: 20,
    flooderConnections: 4,
    runMs: 8_000,
    eventIntervalMs: 1_000,
    drainTimeoutMs: 120_000,
  },
  herd: { processes: 3, users: 400, waves: 2, kills: 4, holdCreateAnswersMs: 300 },
};
