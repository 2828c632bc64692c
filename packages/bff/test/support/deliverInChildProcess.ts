/**
 * One "BFF process" of the multi-process outbox test: a whole `createKnewtonBff` with learning on the
 * shared PostgreSQL store (so its delivery loop runs), says `ready`, waits for `go`, then waits until
 * the shared outbox has no undelivered event, closes and prints `[]`. Run with `tsx --conditions=source`.
 */
import { createInterface } from 'node:readline';
import { createKnewtonBff } from '../../src/createKnewtonBff.js';
import { createEventOutboxQueries } from '../../src/store/eventOutboxQueries.js';
import { childPlatform, openChildStore, required } from './childEnvironment.js';

const store = await openChildStore();
const lines = createInterface({ input: process.stdin });
process.stdout.write('ready\n');
await new Promise<void>((resolve) => lines.once('line', () => resolve()));
lines.close();

// Started only now, so every process's loop starts at the same moment.
const bff = await createKnewtonBff({
  authenticate: () => undefined,
  platform: childPlatform(),
  store,
  externalIds: { key: required('CHILD_PSEUDONYM_KEY') },
  learning: { graphId: required('CHILD_GRAPH_ID'), deliveryIntervalMs: 20 },
});
const outbox = createEventOutboxQueries(store);
const deadline = Date.now() + 60_000;
while ((await outbox.pendingCount()) > 0 && Date.now() < deadline) {
  await new Promise((resolve) => setTimeout(resolve, 50));
}
await bff.close();
process.stdout.write('[]\n');
