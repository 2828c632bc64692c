/**
 * Another "BFF process" of the multi-process opt-out test: opens the shared PostgreSQL store, says
 * `ready`, waits for `go` on stdin, opts out every user of `CHILD_USERS` and prints one JSON line with
 * what changed. Run with `tsx --conditions=source`; configured by the environment.
 */
import { createInterface } from 'node:readline';
import { createAccountProvisioner } from '../../src/provisioning/createAccountProvisioner.js';
import { childPlatform, openChildStore, required } from './childEnvironment.js';

const users = required('CHILD_USERS').split(',');
const provisioner = await createAccountProvisioner({
  platform: childPlatform(),
  store: await openChildStore(),
  externalIds: { key: required('CHILD_PSEUDONYM_KEY') },
});

const lines = createInterface({ input: process.stdin });
process.stdout.write('ready\n');
await new Promise<void>((resolve) => lines.once('line', () => resolve()));
lines.close();

const changes = await Promise.all(
  users.map(async (user) => ({ user, ...(await provisioner.optOut(user)) })),
);
await provisioner.close();
process.stdout.write(`${JSON.stringify(changes)}\n`);
