/**
 * `pnpm backfill --users <file|->`: creates the Knewton accounts of an existing user base (one app user id
 * per line) through the example BFF's own configuration (the same environment as `pnpm bff`: store,
 * platform, pseudonym key), so exactly-once holds against a BFF serving traffic over the same PostgreSQL.
 * Rerun it after a crash or Ctrl-C: users already done are skipped, lost creates repaired.
 * Exit 0 when every line was done or refused as bad input, 1 when any user failed, 130 when interrupted.
 */
import { parseArgs } from 'node:util';
import { backfillAccounts } from '@knewton-kit/bff';
import { ConfigError } from '../ConfigError.js';
import { parseConfig } from '../config.js';
import { createExampleBff } from '../createExampleBff.js';
import { createExampleLogger } from '../createExampleLogger.js';
import { createProgressReporter } from './createProgressReporter.js';
import { readUserLines } from './readUserLines.js';

const usage = 'Usage: pnpm backfill --users <file|->  (one app user id per line; - reads stdin)';

function fail(line: string): never {
  process.stderr.write(`${line}\n`);
  process.exit(2);
}

let source: string | undefined;
try {
  const { values } = parseArgs({ options: { users: { type: 'string' } }, strict: true });
  source = values.users;
} catch (error) {
  fail(`${(error as Error).message}\n${usage}`);
}
if (source === undefined || source === '') fail(usage);

let config: ReturnType<typeof parseConfig>;
try {
  // A command-line tool: no browser, so no ALLOWED_ORIGINS or SESSION_SECRET to ask for.
  config = parseConfig(process.env, { servesBrowsers: false });
} catch (error) {
  if (error instanceof ConfigError) fail(error.lines().join('\n'));
  throw error;
}

const input = await readUserLines(source).catch((error: NodeJS.ErrnoException) =>
  fail(`Cannot read ${source}: ${error.code ?? error.message}`),
);

const say = (line: string) => process.stderr.write(`${line}\n`);
const example = await createExampleBff(config, {
  // Warnings and errors only: the per-account lines would drown the progress bar.
  logger: createExampleLogger({
    level: 'warn',
    destination: { write: (line: string) => process.stderr.write(line) },
  }),
  notice: say,
}).catch((error: unknown) => {
  const { name, message } = error as Error;
  return fail(`Start-up failed: ${name}: ${message}`);
});

const stop = new AbortController();
process.on('SIGINT', () => {
  if (stop.signal.aborted) process.exit(130);
  say('\nSIGINT: reading no further users; finishing those in flight (Ctrl-C again to quit now).');
  stop.abort();
});
process.on('SIGTERM', () => stop.abort());

const progress = createProgressReporter(input.total);
const startedAt = Date.now();
const summary = await backfillAccounts({
  provisioner: example.bff.provisioner,
  users: input.lines,
  signal: stop.signal,
  onProgress: (state) => progress.update(state),
  onProblem: ({ line, kind, reason }) => {
    // Line numbers only: the ids themselves may be personal data.
    process.stderr.write(`line ${line}: ${kind}: ${reason}\n`);
  },
});
progress.stop();
await example.close();

const minutes = (Date.now() - startedAt) / 60_000;
const made = summary.created + summary.repaired;
process.stdout.write(
  `backfill ${summary.interrupted ? 'interrupted' : 'done'}: ${summary.done}/${input.total} users: ${summary.created} created, ${summary.existed} existed, ${summary.repaired} repaired, ${summary.refused} refused, ${summary.failed} failed; ${Math.round(made / Math.max(minutes, 1 / 600))} accounts/min over ${Math.round(minutes * 60)} s\n`,
);
process.exit(summary.interrupted ? 130 : summary.failed > 0 ? 1 : 0);
