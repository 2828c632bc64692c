import type { AnswerLedger } from './AnswerLedger.js';
import { ensureUntilAnswered } from './openHarness.js';
import { runPool } from './runPool.js';

/**
 * The closing ensure of a fault scenario, with no fault left: every user is ensured until answered and
 * each answer goes to the ledger as `final pass`, so a user who lost an account or got a second one shows.
 */
export async function runFinalPass(
  userIds: readonly string[],
  concurrency: number,
  pickUrl: () => string,
  cookies: ReadonlyMap<string, string>,
  ledger: AnswerLedger,
): Promise<void> {
  await runPool(userIds, concurrency, async (userId) => {
    await ensureUntilAnswered(pickUrl, cookies.get(userId) as string, (answer) =>
      ledger.record({ userId, key: answer.key, accountId: answer.accountId, source: 'final pass' }),
    );
  });
}
