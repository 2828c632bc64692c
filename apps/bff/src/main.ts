/**
 * `pnpm bff`: the example BFF, configured by the environment (see README.md). Exits 1 with one line on a
 * configuration problem; on SIGINT/SIGTERM finishes in-flight requests, closes the store and exits 0.
 */
import { ConfigError } from './ConfigError.js';
import { parseConfig } from './config.js';
import { createExampleLogger } from './createExampleLogger.js';
import { shutdownGraceMs, startExampleBff } from './startExampleBff.js';

function fail(lines: readonly string[]): never {
  process.stderr.write(lines.map((line) => `${line}\n`).join(''));
  process.exit(1);
}

let config: ReturnType<typeof parseConfig>;
// One line per problem, so an operator fixes every missing variable in one go.
try {
  config = parseConfig(process.env);
} catch (error) {
  if (error instanceof ConfigError) fail(error.lines());
  throw error;
}

const say = (line: string) => process.stdout.write(`${line}\n`);
let running: Awaited<ReturnType<typeof startExampleBff>>;
try {
  running = await startExampleBff(config, {
    // pino to an asynchronous stdout: the request line never blocks the event loop; flushed on exit.
    logger: createExampleLogger({ level: config.logLevel }),
    notice: say,
    ownsProcess: true,
  });
} catch (error) {
  if (error instanceof ConfigError) fail(error.lines());
  const { name, message } = error as Error;
  fail([`Start-up failed: ${name}: ${message}`]);
}
say(
  `knewton-kit example BFF listening on ${running.url} (Knewton routes under /api/knewton; DEMO sign-in at /api/session)`,
);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) {
      say(`${signal} again: exiting without waiting.`);
      process.exit(1);
    }
    stopping = true;
    say(
      `${signal}: answering queued users, giving in-flight platform calls ${shutdownGraceMs / 1000} s, then closing the store.`,
    );
    // Last resort, should a store or socket never settle: the promise is grace + 1 s, whatever happens.
    setTimeout(() => {
      process.stderr.write('Shutdown did not finish within the grace period; exiting.\n');
      process.exit(1);
    }, shutdownGraceMs + 900).unref();
    running.close().then(
      () => {
        say('Stopped.');
        process.exit(0);
      },
      (error: unknown) => {
        const { name, message } = error as Error;
        process.stderr.write(`Shutdown failed: ${name}: ${message}\n`);
        process.exit(1);
      },
    );
  });
}
