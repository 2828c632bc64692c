import { parseArgs } from 'node:util';
import type { AccountProvisioner } from '@knewton-kit/bff';
import { type BulkProgress, createProgressReporter } from './backfill/createProgressReporter.js';
import { readUserLines } from './backfill/readUserLines.js';
import { ConfigError } from './ConfigError.js';
import { parseConfig } from './config.js';
import { createExampleBff } from './createExampleBff.js';
import { createExampleLogger } from './createExampleLogger.js';

/** What a bulk command over a list of app user ids does with it, and how it sums it up. */
export interface UserListCommand<Summary extends BulkProgress & { interrupted: boolean }> {
  /** `backfill`, `erase`: the `pnpm` script and the word on the progress bar and the summary line. */
  name: string;
  run(options: {
    provisioner: AccountProvisioner;
    users: AsyncIterable<string> | string[];
    signal: AbortSignal;
    onProgress: (progress: BulkProgress) => void;
    onProblem: (problem: { line: number; kind: string; reason: string }) => void;
  }): Promise<Summary>;
  /** The summary's counts, after `<name> done: n/total users: `. */
  describe(summary: Summary, seconds: number): string;
}

/**
 * `pnpm <name> --users <file|->`: the shared life of the example BFF's bulk commands (backfill, erase).
 * It reads the example BFF's own configuration (the same environment as `pnpm bff`, minus what only a
 * browser needs: no ALLOWED_ORIGINS or SESSION_SECRET), so exactly-once holds beside a BFF serving traffic
 * over the same PostgreSQL; shows progress on stderr; reports bad lines by number only (the ids may be
 * personal data); stops reading on the first Ctrl-C and quits on the second. Exit codes: 0 done, 1 any
 * failure, 2 bad usage or configuration, 130 interrupted.
 */
export async function runUserListCommand<Summary extends BulkProgress & { interrupted: boolean }>(
  command: UserListCommand<Summary>,
): Promise<never> {
  const usage = `Usage: pnpm ${command.name} --users <file|->  (one app user id per line; - reads stdin)`;
  const say = (line: string) => process.stderr.write(`${line}\n`);
  const fail = (line: string): never => {
    say(line);
    process.exit(2);
  };

  let source: string | undefined;
  try {
    const { values } = parseArgs({ options: { users: { type: 'string' } }, strict: true });
    source = values.users;
  } catch (error) {
    fail(`${(error as Error).message}\n${usage}`);
  }
  if (source === undefined || source === '') return fail(usage);

  let config: ReturnType<typeof parseConfig>;
  try {
    config = parseConfig(process.env, { servesBrowsers: false });
  } catch (error) {
    if (error instanceof ConfigError) fail(error.lines().join('\n'));
    throw error;
  }

  const input = await readUserLines(source).catch((error: NodeJS.ErrnoException) =>
    fail(`Cannot read ${source}: ${error.code ?? error.message}`),
  );
  const example = await createExampleBff(config, {
    // Warnings and errors only: the per-user lines would drown the progress bar.
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
    say(
      '\nSIGINT: reading no further users; finishing those in flight (Ctrl-C again to quit now).',
    );
    stop.abort();
  });
  process.on('SIGTERM', () => stop.abort());

  const progress = createProgressReporter(input.total, process.stderr, 2_000, command.name);
  const startedAt = Date.now();
  const summary = await command.run({
    provisioner: example.bff.provisioner,
    users: input.lines,
    signal: stop.signal,
    onProgress: (state) => progress.update(state),
    onProblem: ({ line, kind, reason }) => say(`line ${line}: ${kind}: ${reason}`),
  });
  progress.stop();
  await example.close();

  const seconds = (Date.now() - startedAt) / 1000;
  process.stdout.write(
    `${command.name} ${summary.interrupted ? 'interrupted' : 'done'}: ${summary.done}/${input.total} users: ${command.describe(summary, seconds)}\n`,
  );
  process.exit(summary.interrupted ? 130 : summary.failed > 0 ? 1 : 0);
}
