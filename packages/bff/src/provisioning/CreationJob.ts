import type { ExternalIdMapping } from '../externalId/createExternalIdMapper.js';
import type { ProvisionedAccount, ProvisioningContext } from './types.js';

/** How a queued creation ended: the account was already stored, created now, or repaired (lost answer). */
export interface CreationResult {
  account: ProvisionedAccount;
  outcome: 'existed' | 'created' | 'repaired';
}

/** One user waiting for the platform: everything the create needs, known before it was queued. */
export interface CreationJob {
  appUserId: string;
  externalId: string;
  keyVersion: string;
  context: ProvisioningContext | undefined;
  /**
   * What the erasure check under the lock needs: the generation the id was derived for (0: never erased),
   * the user's tombstone keys, and how to derive the id again for a later generation. Absent: generation
   * 0 and no check (only for jobs made without a mapper, in tests).
   */
  identity?: JobIdentity;
}

export interface JobIdentity {
  generation: number;
  userKeys: readonly string[];
  derive(generation: number): Promise<ExternalIdMapping>;
}

/** A user in the creation line, with the promise of its account. */
export interface QueuedJob extends CreationJob {
  /** Arrival number; the line turns it into a place. */
  seq: number;
  /** When it joined the line, on the queue's clock (a short line lingers for a fuller batch from then). */
  joinedAt: number;
  /** Taken from the line for a platform call. */
  sent: boolean;
  /** Set when it failed because the platform was unavailable (timeouts, 5xx, no connection). */
  failedUnavailable: boolean;
  resolve(result: CreationResult): void;
  reject(error: unknown): void;
}

/** A queued user as its ensure sees it: its place in the line and the promise of its account. */
export interface SubmittedCreation {
  done: Promise<CreationResult>;
  /** Milliseconds until its create is expected to start (0 once it has been sent). */
  expectedStartMs(horizonMs: number): number;
  /** Whether its create has left the line (is at the platform or being written). */
  sent(): boolean;
}
