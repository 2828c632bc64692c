/**
 * `pnpm dev`: the whole demo in one process. The example BFF (which starts the Knewton Platform
 * simulator in-process when `KNEWTON_API_URL` is unset, and keeps PGlite in `DATA_DIR`, default `.data/`)
 * and the demo's Vite dev server, which proxies `/api` to it. Prints the URL to open; Ctrl-C (or
 * SIGTERM) stops everything, and since it is all one process nothing is left behind.
 *
 * Environment: everything `pnpm bff` reads (PORT, DATA_DIR, DATABASE_URL, ...) plus `DEMO_PORT` (5173),
 * `DEMO_HOST` (localhost) and `LOG_LEVEL` (warn; `info` shows one line per BFF request).
 */
import { fileURLToPath } from 'node:url';
import { createServer, type ViteDevServer } from 'vite';
import {
  ConfigError,
  createExampleLogger,
  parseConfig,
  type RunningExampleBff,
  startExampleBff,
} from '../apps/bff/src/index.js';
import type { LogLevel } from '../packages/bff/src/index.js';

const demoConfigFile = fileURLToPath(new URL('../apps/demo/vite.config.ts', import.meta.url));
const say = (line: string) => process.stdout.write(`${line}\n`);

function fail(line: string): never {
  process.stderr.write(`pnpm dev: ${line}\n`);
  process.exit(1);
}

function readDemoPort(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return 5173;
  const port = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || port < 1 || port > 65_535)
    fail('DEMO_PORT must be an integer from 1 to 65535.');
  return port;
}

function readLogLevel(raw: string | undefined): LogLevel {
  const level = raw?.trim() || 'warn';
  if (!['debug', 'info', 'warn', 'error'].includes(level))
    fail('LOG_LEVEL must be debug, info, warn or error.');
  return level as LogLevel;
}

const demoPort = readDemoPort(process.env.DEMO_PORT);
const demoHost = process.env.DEMO_HOST?.trim() || 'localhost';
const logLevel = readLogLevel(process.env.LOG_LEVEL);

let config: ReturnType<typeof parseConfig>;
try {
  config = parseConfig(process.env);
} catch (error) {
  if (error instanceof ConfigError) fail(`configuration error: ${error.message}`);
  throw error;
}

// The browser talks to the BFF through Vite's proxy, which keeps the page's Origin header, so the
// BFF must accept the demo's origin for its state-changing requests (CSRF check).
const demoOrigins = [`http://localhost:${demoPort}`, `http://127.0.0.1:${demoPort}`];
const allowedOrigins = [...new Set([...config.allowedOrigins, ...demoOrigins])];

let bff: RunningExampleBff | undefined;
let vite: ViteDevServer | undefined;
let stopping = false;

async function stop(signal: string): Promise<void> {
  if (stopping) {
    say(`${signal} again: exiting without waiting.`);
    process.exit(1);
  }
  stopping = true;
  say(`\n${signal}: stopping the demo server and the BFF (in-flight requests finish first)…`);
  try {
    await vite?.close();
    await bff?.close();
    say('Stopped.');
    process.exit(0);
  } catch (error) {
    const { name, message } = error as Error;
    process.stderr.write(`pnpm dev: shutdown failed: ${name}: ${message}\n`);
    process.exit(1);
  }
}
// SIGHUP: the terminal was closed; stop as cleanly as on Ctrl-C.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
  process.on(signal, () => void stop(signal));

try {
  bff = await startExampleBff(
    { ...config, allowedOrigins },
    {
      logger: createExampleLogger({
        level: logLevel,
        // Synchronous and prefixed: beside Vite's output, in a terminal, order matters more than speed.
        destination: { write: (line: string) => process.stdout.write(`[bff] ${line}`) },
      }),
      notice: (line) => say(`[bff] ${line}`),
    },
  );
} catch (error) {
  const { code, message } = error as NodeJS.ErrnoException;
  if (error instanceof ConfigError) fail(`configuration error: ${message}`);
  if (code === 'EADDRINUSE')
    fail(`port ${config.port} is in use; stop what runs there or set PORT.`);
  throw error;
}

try {
  vite = await createServer({
    configFile: demoConfigFile,
    clearScreen: false,
    server: {
      host: demoHost,
      port: demoPort,
      // The BFF's Origin allowlist was built for exactly this port.
      strictPort: true,
      proxy: { '/api': { target: bff.url } },
    },
  });
  await vite.listen();
} catch (error) {
  await bff.close();
  const { message } = error as Error;
  if (/already in use/i.test(message))
    fail(`port ${demoPort} is in use; stop what runs there or set DEMO_PORT.`);
  throw error;
}

const appUrl = vite.resolvedUrls?.local[0] ?? `http://${demoHost}:${demoPort}/`;
const sim = bff.example.sim;
say('');
say('  knewton-kit demo is running');
say('');
say(`  ➜ Open       ${appUrl}`);
say(`    BFF        ${bff.url}/api/knewton   (demo sign-in: ${bff.url}/api/session)`);
say(
  sim
    ? `    Simulator  ${sim.url}   (stats: ${sim.url}/__sim/stats)`
    : `    Platform   ${config.platform.kind === 'remote' ? config.platform.baseUrl : ''}`,
);
say(
  `    Store      ${config.database.kind === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${config.database.dataDir ?? 'memory'}`}`,
);
say('');
say('  Press Ctrl-C to stop.');
