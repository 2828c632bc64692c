/**
 * One "BFF process" of the multi-process provisioning test: opens the shared PostgreSQL store, says
 * `ready`, waits for `go` on stdin (so all processes start together), runs concurrent ensures and prints
 * one JSON line with the outcomes. Run with `tsx --conditions=source`; configured by the environment.
 */
import { createInterface } from 'node:readline';
import { createAccountProvisioner } from '../../src/provisioning/createAccountProvisioner.js';
import { childPlatform, openChildStore, required } from './childEnvironment.js';

/** Each ensured once by this process (and by every other process). */
const users = required('CHILD_USERS').split(',');
/** One user every process ensures many times at once. */
const hotUser = required('CHILD_HOT_USER');
const hotEnsures = Number(required('CHILD_HOT_ENSURES'));
const store = await openChildStore();
const provisioner = await createAccountProvisioner({
  platform: childPlatform(),
  store,
  externalIds: { key: required('CHILD_PSEUDONYM_KEY') },
});
// Warm the token so the race below is about accounts, not start-up.
await provisioner.checkReadiness();

const lines = createInterface({ input: process.stdin });
process.stdout.write('ready\n');
await new Promise<void>((resolve) => lines.once('line', () => resolve()));
lines.close();

const outcomes = await Promise.all(
  [...Array.from({ length: hotEnsures }, () => hotUser), ...users].map(async (user) => {
    const { account, created } = await provisioner.ensureAccount(user);
    return { user, accountId: account.accountId, created };
  }),
);
await provisioner.close();
process.stdout.write(`${JSON.stringify(outcomes)}\n`);
