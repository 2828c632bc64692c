// Child process for the lock tests: on "go" (stdin) takes the lock of DATA_DIR, prints "won" or
// "refused <message>", then holds it until stdin closes (or until killed), and exits normally.
import { createInterface } from 'node:readline';
import { acquirePgliteFolderLock } from '../../src/store/acquirePgliteFolderLock.js';

const dataDir = process.env.DATA_DIR;
if (dataDir === undefined) throw new Error('DATA_DIR is required');
const lines = createInterface({ input: process.stdin });
process.stdout.write('ready\n');
lines.once('line', async () => {
  try {
    await acquirePgliteFolderLock(dataDir);
    process.stdout.write('won\n');
  } catch (error) {
    process.stdout.write(`refused ${(error as Error).message}\n`);
  }
});
lines.once('close', () => process.exit(0));
