/**
 * One "BFF process" of the multi-process registration test: a whole `createKnewtonBff` with learning on
 * the shared PostgreSQL store, says `ready`, waits for `go`, then asks for every user's recommendation at
 * once (each user's account already exists) and prints one JSON line with the answers' statuses.
 * Run with `tsx --conditions=source`; configured by the environment.
 */
import { createInterface } from 'node:readline';
import { createKnewtonBff } from '../../src/createKnewtonBff.js';
import { childPlatform, openChildStore, required } from './childEnvironment.js';

const users = required('CHILD_USERS').split(',');
const store = await openChildStore();
const bff = await createKnewtonBff({
  authenticate: (request) => request.headers.get('x-test-user') ?? undefined,
  platform: childPlatform(),
  store,
  externalIds: { key: required('CHILD_PSEUDONYM_KEY') },
  learning: {
    graphId: required('CHILD_GRAPH_ID'),
    // A small cap makes the processes race for new instances as well as for registrations.
    ...(process.env.CHILD_REGISTRATIONS_PER_INSTANCE
      ? { registrationsPerInstance: Number(process.env.CHILD_REGISTRATIONS_PER_INSTANCE) }
      : {}),
  },
});

const lines = createInterface({ input: process.stdin });
process.stdout.write('ready\n');
await new Promise<void>((resolve) => lines.once('line', () => resolve()));
lines.close();

const outcomes = await Promise.all(
  users.map(async (user) => {
    const response = await bff.fetch(
      new Request('http://bff.test/api/knewton/recommendation', {
        headers: { 'x-test-user': user },
      }),
    );
    return { user, status: response.status };
  }),
);
await bff.close();
process.stdout.write(`${JSON.stringify(outcomes)}\n`);
