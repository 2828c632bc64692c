/**
 * `pnpm backfill --users <file|->`: creates the Knewton accounts of an existing user base (one app user id
 * per line) through the example BFF's own configuration (the same environment as `pnpm bff`: store,
 * platform, pseudonym key), so exactly-once holds against a BFF serving traffic over the same PostgreSQL.
 * Rerun it after a crash or Ctrl-C: users already done are skipped, lost creates repaired.
 * Exit 0 when every line was done or refused as bad input, 1 when any user failed, 130 when interrupted.
 */
import { backfillAccounts } from '@knewton-kit/bff';
import { runUserListCommand } from '../runUserListCommand.js';

await runUserListCommand({
  name: 'backfill',
  run: backfillAccounts,
  describe: (summary, seconds) => {
    const made = summary.created + summary.repaired;
    return `${summary.created} created, ${summary.existed} existed, ${summary.repaired} repaired, ${summary.refused} refused, ${summary.failed} failed; ${Math.round((made / Math.max(seconds, 0.1)) * 60)} accounts/min over ${Math.round(seconds)} s`;
  },
});
