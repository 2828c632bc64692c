import { describe, expect, it } from 'vitest';
import { AnswerLedger } from './AnswerLedger.js';
import { findAnomalies, type PlatformAccount } from './findAnomalies.js';

// Fabricated observations: the detectors must flag each kind of failure the suite exists to catch.
const externalIdOf = (userId: string) => `ext-${userId}`;

function ledgerOf(answers: Array<[string, string, string?]>): AnswerLedger {
  const ledger = new AnswerLedger();
  for (const [userId, key, accountId] of answers) ledger.record({ userId, key, accountId });
  return ledger;
}

const platform = (...pairs: Array<[string, string]>): PlatformAccount[] =>
  pairs.map(([id, userId]) => ({ id, externalUserId: externalIdOf(userId) }));

describe('findAnomalies', () => {
  it('finds nothing in a consistent run', () => {
    const ledger = ledgerOf([
      ['u1', '201', 'a1'],
      ['u1', '200', 'a1'],
      ['u2', '503 knewton_unavailable'],
      ['u2', '201', 'a2'],
    ]);
    const result = findAnomalies({
      ledger,
      mustHaveAccount: ['u1', 'u2'],
      platformAccounts: platform(['a1', 'u1'], ['a2', 'u2']),
      externalIdOf,
      storeRows: [
        { appUserId: 'u1', accountId: 'a1' },
        { appUserId: 'u2', accountId: 'a2' },
      ],
    });
    expect(result.counts).toEqual({ duplicates: 0, lost: 0, orphans: 0, undocumented: 0 });
  });

  it('flags a user given two account ids as a duplicate', () => {
    const ledger = ledgerOf([
      ['u1', '201', 'a1'],
      ['u1', '201', 'a9'],
    ]);
    const result = findAnomalies({
      ledger,
      mustHaveAccount: ['u1'],
      platformAccounts: platform(['a1', 'u1'], ['a9', 'u1']),
      externalIdOf,
    });
    expect(result.counts.duplicates).toBeGreaterThanOrEqual(2);
    expect(result.duplicates.join('\n')).toContain('user u1 was given 2 account ids');
    expect(result.duplicates.join('\n')).toContain('user u1 has 2 platform accounts');
  });

  it('flags one account id given to two users', () => {
    const ledger = ledgerOf([
      ['u1', '201', 'a1'],
      ['u2', '200', 'a1'],
    ]);
    const result = findAnomalies({
      ledger,
      mustHaveAccount: ['u1', 'u2'],
      platformAccounts: platform(['a1', 'u1']),
      externalIdOf,
    });
    expect(result.duplicates.join('\n')).toContain('account a1 was given to 2 users');
  });

  it('flags a second 201 for one user when exactly one create is expected', () => {
    const ledger = ledgerOf([
      ['u1', '201', 'a1'],
      ['u1', '201', 'a1'],
    ]);
    const input = {
      ledger,
      mustHaveAccount: ['u1'],
      platformAccounts: platform(['a1', 'u1']),
      externalIdOf,
    };
    expect(findAnomalies(input).counts.duplicates).toBe(0);
    expect(findAnomalies({ ...input, expectOneCreatedPerUser: true }).counts.duplicates).toBe(1);
  });

  it('flags a user who never got an id, or whose id is gone from the platform or the store', () => {
    const ledger = ledgerOf([
      ['u1', '201', 'a1'],
      ['u2', '201', 'a2'],
      ['u3', '503 store_unavailable'],
    ]);
    const result = findAnomalies({
      ledger,
      mustHaveAccount: ['u1', 'u2', 'u3'],
      platformAccounts: platform(['a1', 'u1']),
      externalIdOf,
      storeRows: [{ appUserId: 'u2', accountId: 'a2' }],
    });
    const lost = result.lost.join('\n');
    expect(lost).toContain('user u3 was never given an account id');
    expect(lost).toContain("user u2's account a2 is not on the platform");
    expect(lost).toContain("user u1's store row holds nothing, not a1");
    expect(result.counts.lost).toBe(3);
  });

  it('flags platform accounts and store rows that no user maps to', () => {
    const ledger = ledgerOf([['u1', '201', 'a1']]);
    const result = findAnomalies({
      ledger,
      mustHaveAccount: ['u1'],
      platformAccounts: platform(['a1', 'u1'], ['a7', 'stranger']),
      externalIdOf,
      storeRows: [
        { appUserId: 'u1', accountId: 'a1' },
        { appUserId: 'ghost', accountId: 'a8' },
      ],
    });
    expect(result.counts.orphans).toBe(2);
    expect(result.orphans.join('\n')).toContain('platform account a7');
    expect(result.orphans.join('\n')).toContain('store row for ghost');
  });

  it('counts answers outside the contract, unless the scenario tolerates them', () => {
    const strict = ledgerOf([
      ['u1', '500 internal_error'],
      ['u1', 'connection lost'],
      ['u1', '201', 'a1'],
    ]);
    const result = findAnomalies({
      ledger: strict,
      mustHaveAccount: ['u1'],
      platformAccounts: platform(['a1', 'u1']),
      externalIdOf,
    });
    expect(result.counts.undocumented).toBe(2);
    expect(result.undocumented.join('\n')).toContain('"500 internal_error"');

    const tolerant = new AnswerLedger(['connection lost']);
    tolerant.record({ userId: 'u1', key: 'connection lost' });
    expect(tolerant.undocumentedCount).toBe(0);
  });
});
