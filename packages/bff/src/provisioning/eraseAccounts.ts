import { checkBulkOptions, forEachUserLine } from './forEachUserLine.js';
import type { AccountProvisioner } from './types.js';

export interface EraseAccountsOptions {
  /** The BFF's provisioner (its store lock keeps each erasure exclusive of that user's creates). */
  provisioner: AccountProvisioner;
  /** App user ids in order, e.g. the lines of a file; line numbers in reports count from 1. */
  users: Iterable<string> | AsyncIterable<string>;
  /**
   * Erasures in flight at once; the platform client paces the `DELETE`s under the limits either way.
   * @default 50
   */
  concurrency?: number;
  /** Stops reading further users (Ctrl-C); erasures in flight finish, the summary says `interrupted`. */
  signal?: AbortSignal;
  /** Called after every finished user (throttle it yourself for output). */
  onProgress?: (progress: EraseProgress) => void;
  /** Called for every line skipped or failed, with its 1-based line number and a reason without the id. */
  onProblem?: (problem: EraseProblem) => void;
}

export interface EraseProgress {
  /** Users finished so far, whatever the outcome. */
  done: number;
  erased: number;
  /** Erased by an earlier run (a rerun after a crash or Ctrl-C). */
  alreadyErased: number;
  /** Never provisioned: nothing to erase. */
  noAccount: number;
  refused: number;
  failed: number;
}

export interface EraseProblem {
  line: number;
  kind: 'refused' | 'failed';
  reason: string;
}

export interface EraseSummary extends EraseProgress {
  /** `true` when `signal` stopped the run before every user was read; rerun to finish. */
  interrupted: boolean;
}

const counterOf = {
  erased: 'erased',
  'already erased': 'alreadyErased',
  'no account': 'noAccount',
} as const;

/**
 * Bulk erasure (what `pnpm erase` runs), for a list of learners who asked to be forgotten: each goes
 * through the provisioner's `eraseAccount` (exactly once, crash-safe), so a rerun after a crash or an
 * interruption finishes what was left (`alreadyErased` for the rest). Lines that cannot be an app user id
 * are `refused` with their line number; a user whose erasure failed (platform or store unavailable) is
 * `failed`, and the rerun picks it up.
 *
 * @example
 * const summary = await eraseAccounts({ provisioner, users: ['u1', 'u2'] });
 * if (summary.failed > 0) process.exitCode = 1;
 */
export async function eraseAccounts(options: EraseAccountsOptions): Promise<EraseSummary> {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('`options` must be an object');
  const { provisioner, users, concurrency = 50, signal, onProgress, onProblem } = options;
  if (typeof provisioner?.eraseAccount !== 'function')
    throw new TypeError('`provisioner` must come from createAccountProvisioner() (eraseAccount)');
  checkBulkOptions({ users, concurrency });
  const erase = provisioner.eraseAccount.bind(provisioner);
  const progress: EraseProgress = {
    done: 0,
    erased: 0,
    alreadyErased: 0,
    noAccount: 0,
    refused: 0,
    failed: 0,
  };
  const finish = (problem?: EraseProblem) => {
    progress.done++;
    if (problem) onProblem?.(problem);
    onProgress?.({ ...progress });
  };
  const interrupted = await forEachUserLine({
    users,
    concurrency,
    signal,
    onBadLine(line, reason) {
      progress.refused++;
      finish({ line, kind: 'refused', reason });
    },
    async run(appUserId, line) {
      try {
        progress[counterOf[await erase(appUserId, { requestId: `erase:${line}` })]]++;
        finish();
      } catch (error) {
        progress.failed++;
        // Messages of the kit's errors never contain ids; they say what was unavailable and why.
        finish({
          line,
          kind: 'failed',
          reason: error instanceof Error ? error.message : String(error),
        });
      }
    },
  });
  return { ...progress, interrupted };
}
