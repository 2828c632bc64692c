import type { AnswerLedger, Observation } from './AnswerLedger.js';

/** A platform account as `/__sim/accounts` lists it. */
export interface PlatformAccount {
  id: string;
  externalUserId: string;
}

/** A row of the BFF's `knewton_accounts` table. */
export interface StoreRow {
  appUserId: string;
  accountId: string;
}

export interface AnomalyInput {
  ledger: AnswerLedger;
  /** Users who must hold an account now (every user after the scenario's final ensure pass). */
  mustHaveAccount: Iterable<string>;
  /** The platform's accounts (the seeded system account excluded). */
  platformAccounts: readonly PlatformAccount[];
  /** The external id the BFF sends for a user. */
  externalIdOf: (userId: string) => string;
  /** The store's rows, when the harness can read them (PostgreSQL); `undefined` to skip that check. */
  storeRows?: readonly StoreRow[] | undefined;
  /** Whether each user's ensures may have answered 201 more than once (never, unless noted). */
  expectOneCreatedPerUser?: boolean;
}

export interface Anomalies {
  /** A user given two different account ids, an id given to two users, or two platform accounts for one user. */
  duplicates: string[];
  /** A user whose account id changed or disappeared: not on the platform, not in the store, or never given. */
  lost: string[];
  /** Platform accounts that no user's answers or store row point to. */
  orphans: string[];
  /** Answers outside the contract (each is listed once per kind with a sample). */
  undocumented: string[];
}

const limit = 20;

function push(list: string[], line: string): void {
  if (list.length < limit) list.push(line);
  else if (list.length === limit) list.push('…');
}

/**
 * The verdict of a scenario. Duplicates and lost accounts are looked for in three independent places that
 * must agree: the answers users got, the platform's accounts, and (when readable) the store's rows.
 */
export function findAnomalies(
  input: AnomalyInput,
): Anomalies & { counts: Record<keyof Anomalies, number> } {
  const { ledger, platformAccounts, externalIdOf } = input;
  const duplicates: string[] = [];
  const lost: string[] = [];
  const orphans: string[] = [];
  const undocumented: string[] = [];
  const counts = { duplicates: 0, lost: 0, orphans: 0, undocumented: ledger.undocumentedCount };

  for (const [userId, ids] of ledger.idsByUser) {
    if (ids.size > 1) {
      counts.duplicates++;
      push(duplicates, `user ${userId} was given ${ids.size} account ids: ${[...ids].join(', ')}`);
    }
  }
  for (const [accountId, users] of ledger.usersById) {
    if (users.size > 1) {
      counts.duplicates++;
      push(
        duplicates,
        `account ${accountId} was given to ${users.size} users: ${[...users].join(', ')}`,
      );
    }
  }
  if (input.expectOneCreatedPerUser) {
    for (const [userId, created] of ledger.createdByUser) {
      if (created > 1) {
        counts.duplicates++;
        push(duplicates, `user ${userId} got 201 Created ${created} times`);
      }
    }
  }

  const platformByExternalId = new Map<string, PlatformAccount[]>();
  for (const account of platformAccounts) {
    const list = platformByExternalId.get(account.externalUserId) ?? [];
    list.push(account);
    platformByExternalId.set(account.externalUserId, list);
  }
  const storeByUser = new Map<string, string>();
  for (const row of input.storeRows ?? []) storeByUser.set(row.appUserId, row.accountId);

  const users = new Set([...input.mustHaveAccount, ...ledger.idsByUser.keys()]);
  const claimedExternalIds = new Set<string>();
  for (const userId of users) {
    const externalId = externalIdOf(userId);
    claimedExternalIds.add(externalId);
    const first = ledger.firstIdByUser.get(userId);
    const onPlatform = platformByExternalId.get(externalId) ?? [];
    if (onPlatform.length > 1) {
      counts.duplicates++;
      push(duplicates, `user ${userId} has ${onPlatform.length} platform accounts`);
    }
    if (first === undefined) {
      counts.lost++;
      push(lost, `user ${userId} was never given an account id`);
      continue;
    }
    if (!onPlatform.some((account) => account.id === first)) {
      counts.lost++;
      push(
        lost,
        `user ${userId}'s account ${first} is not on the platform under their external id`,
      );
    }
    if (input.storeRows !== undefined && storeByUser.get(userId) !== first) {
      counts.lost++;
      push(
        lost,
        `user ${userId}'s store row holds ${storeByUser.get(userId) ?? 'nothing'}, not ${first}`,
      );
    }
  }
  for (const account of platformAccounts) {
    const claimed = claimedExternalIds.has(account.externalUserId);
    const given = ledger.usersById.has(account.id);
    if (!claimed || !given) {
      counts.orphans++;
      push(orphans, `platform account ${account.id} belongs to no user's answers`);
    }
  }
  for (const row of input.storeRows ?? []) {
    if (!users.has(row.appUserId)) {
      counts.orphans++;
      push(
        orphans,
        `store row for ${row.appUserId} (${row.accountId}) belongs to no user of the run`,
      );
    }
  }
  const seen = new Set<string>();
  for (const observation of ledger.undocumented) {
    if (seen.has(observation.key)) continue;
    seen.add(observation.key);
    undocumented.push(`${ledger.count(observation.key)} × ${describe(observation)}`);
  }
  return { duplicates, lost, orphans, undocumented, counts };
}

function describe(observation: Observation): string {
  return `"${observation.key}" (e.g. user ${observation.userId}${observation.source ? ` via ${observation.source}` : ''})`;
}
