import { isInvalidExternalIdError } from '../errors.js';
import { checkBulkOptions, forEachUserLine } from './forEachUserLine.js';
import type { AccountProvisioner } from './types.js';

export interface BackfillOptions {
  /** The same provisioner (and so the same store and creation line) the BFF uses, or one over its store. */
  provisioner: AccountProvisioner;
  /** App user ids in order, e.g. the lines of a file; line numbers in reports count from 1. */
  users: Iterable<string> | AsyncIterable<string>;
  /**
   * Ensures in flight at once. Enough to fill the platform's batches (8 calls of 50 in flight by default);
   * the provisioner's line paces them at the documented ceiling either way. @default 1000
   */
  concurrency?: number;
  /** Stops reading further users (Ctrl-C); ensures in flight finish, the summary says `interrupted`. */
  signal?: AbortSignal;
  /** Called after every finished user (throttle it yourself for output). */
  onProgress?: (progress: BackfillProgress) => void;
  /** Called for every line skipped or failed, with its 1-based line number and a reason without the id. */
  onProblem?: (problem: BackfillProblem) => void;
}

export interface BackfillProgress {
  /** Users finished so far, whatever the outcome. */
  done: number;
  created: number;
  existed: number;
  repaired: number;
  refused: number;
  failed: number;
}

export interface BackfillProblem {
  line: number;
  kind: 'refused' | 'failed';
  reason: string;
}

export interface BackfillSummary extends BackfillProgress {
  /** `true` when `signal` stopped the run before every user was read; rerun to finish (done users are skipped). */
  interrupted: boolean;
}

/**
 * Eager creation for an existing user base: ensures every user's account through the provisioner's
 * exactly-once path (its store lock, its creation line at the platform's ceiling, its repair of lost
 * creates), so it can run while the BFF serves traffic over the same PostgreSQL, and a rerun after a crash
 * or an interruption skips the users already done (`existed`) and repairs lost creates (`repaired`).
 *
 * Lines that cannot be an app user id (empty, longer than 512 characters) and ids the external id mapper
 * refuses (looking like PII) are `refused`, reported with their line number and skipped; a user whose
 * ensure failed (platform or store unavailable) is `failed`, and the rerun picks it up.
 *
 * @example
 * const summary = await backfillAccounts({ provisioner, users: ['u1', 'u2'] });
 * if (summary.failed > 0) process.exitCode = 1;
 */
export async function backfillAccounts(options: BackfillOptions): Promise<BackfillSummary> {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('`options` must be an object');
  const { provisioner, users, concurrency = 1000, signal, onProgress, onProblem } = options;
  if (typeof provisioner?.ensureAccount !== 'function')
    throw new TypeError('`provisioner` must come from createAccountProvisioner()');
  checkBulkOptions({ users, concurrency });

  const progress: BackfillProgress = {
    done: 0,
    created: 0,
    existed: 0,
    repaired: 0,
    refused: 0,
    failed: 0,
  };
  const finish = (problem?: BackfillProblem) => {
    progress.done++;
    if (problem) onProblem?.(problem);
    onProgress?.({ ...progress });
  };

  async function ensureOne(appUserId: string, line: number): Promise<void> {
    try {
      const result = await provisioner.ensureAccount(appUserId, { requestId: `backfill:${line}` });
      progress[result.outcome]++;
      finish();
    } catch (error) {
      const refused = isInvalidExternalIdError(error);
      progress[refused ? 'refused' : 'failed']++;
      // Messages of the kit's errors never contain ids; they say what was unavailable and why.
      finish({
        line,
        kind: refused ? 'refused' : 'failed',
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }

  const interrupted = await forEachUserLine({
    users,
    concurrency,
    signal,
    onBadLine(line, reason) {
      progress.refused++;
      finish({ line, kind: 'refused', reason });
    },
    run: ensureOne,
  });
  return { ...progress, interrupted };
}
