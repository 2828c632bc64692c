import { type AnswerKey, isDocumentedAnswer } from './documentedAnswers.js';

/** One answer the harness received, as recorded for the detectors. */
export interface Observation {
  userId: string;
  key: AnswerKey;
  accountId?: string | undefined;
  /** Where it came from, e.g. `bff-2#5` (slot and generation); for samples in failure messages. */
  source?: string;
}

/**
 * Every answer of a scenario, kept the way the detectors need it: each user's first account id and every
 * id they were ever given, every user each id was given to, counts per answer kind, and the answers the
 * contract does not allow. The suite's verdicts (duplicates, lost accounts) are computed from this alone.
 */
export class AnswerLedger {
  readonly firstIdByUser = new Map<string, string>();
  readonly idsByUser = new Map<string, Set<string>>();
  readonly usersById = new Map<string, Set<string>>();
  readonly counts = new Map<AnswerKey, number>();
  readonly createdByUser = new Map<string, number>();
  readonly undocumented: Observation[] = [];
  undocumentedCount = 0;
  total = 0;
  /** Answers that are neither documented nor allowed here (e.g. `connection lost` while BFFs are killed). */
  readonly tolerated = new Set<AnswerKey>();

  constructor(tolerated: Iterable<AnswerKey> = []) {
    for (const key of tolerated) this.tolerated.add(key);
  }

  record(observation: Observation): void {
    const { userId, key, accountId } = observation;
    this.total++;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    if (!isDocumentedAnswer(key) && !this.tolerated.has(key)) {
      this.undocumentedCount++;
      if (this.undocumented.length < 20) this.undocumented.push(observation);
    }
    if (key === '201') this.createdByUser.set(userId, (this.createdByUser.get(userId) ?? 0) + 1);
    if (accountId === undefined) return;
    if (!this.firstIdByUser.has(userId)) this.firstIdByUser.set(userId, accountId);
    const ids = this.idsByUser.get(userId) ?? new Set<string>();
    this.idsByUser.set(userId, ids.add(accountId));
    const users = this.usersById.get(accountId) ?? new Set<string>();
    this.usersById.set(accountId, users.add(userId));
  }

  count(key: AnswerKey): number {
    return this.counts.get(key) ?? 0;
  }
}
