/**
 * `pnpm erase --users <file|->`: erases the Knewton data of the listed learners (one app user id per line)
 * through the example BFF's own configuration (the same environment as `pnpm bff`), each exactly once
 * and crash-safe, so it can run beside a BFF serving traffic over the same PostgreSQL. The platform's
 * `DELETE`s are paced under its limits. Rerun it after a crash or Ctrl-C: what was left is finished.
 * Exit 0 when every line was done or refused as bad input, 1 when any user failed, 130 when interrupted.
 */
import { eraseAccounts } from '@knewton-kit/bff';
import { runUserListCommand } from '../runUserListCommand.js';

await runUserListCommand({
  name: 'erase',
  run: eraseAccounts,
  describe: (summary, seconds) =>
    `${summary.erased} erased, ${summary.alreadyErased} already erased, ${summary.noAccount} without an account, ${summary.refused} refused, ${summary.failed} failed; ${Math.round((summary.erased / Math.max(seconds, 0.1)) * 60)} erasures/min over ${Math.round(seconds)} s`,
});
