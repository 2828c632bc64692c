/**
 * The warm path measured from outside: wrk in its own process drives
 * body-less `PUT /api/knewton/account` for users who already have an account against three servers, each
 * its own process, in the same run, alternating round by round:
 * - the example BFF started exactly as `pnpm bff` starts it (`apps/bff/src/main.ts`: PGlite in a fresh
 *   DATA_DIR, the demo session cookie check, one log line per request written to a file, as a user pipes
 *   `pnpm bff > bff.log`), against the simulator as a separate process;
 * - the library alone (`libraryServer.ts`): `createKnewtonBff` on @hono/node-server, trivial `authenticate`;
 * - a bare Hono route on @hono/node-server answering the same JSON (`bareServer.ts`).
 * The bare row is the check that wrk was not the bottleneck: it must be far above the other two.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { seedWarmAccounts } from './seedWarmAccounts.js';

const root = resolve(import.meta.dirname, '../../..');
const here = import.meta.dirname;
const origin = 'http://localhost:5173';
const accountPath = '/api/knewton/account';

/**
 * The warm-path settings `pnpm bench` and `pnpm bench:warm` both read: `BENCH_WARM_USERS` (6000),
 * `BENCH_ROUND_SECONDS` (5), `BENCH_ROUNDS` (3), `BENCH_CPU_PROF` (a directory for CPU profiles).
 */
export function warmOptionsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): Omit<WarmPathOptions, 'log'> {
  const envInt = (name: string, fallback: number): number => {
    const raw = env[name];
    const value = raw === undefined ? fallback : Number(raw);
    if (!Number.isInteger(value) || value <= 0)
      throw new Error(`${name} must be a positive integer`);
    return value;
  };
  return {
    users: envInt('BENCH_WARM_USERS', 6000),
    connections: 32,
    roundSeconds: envInt('BENCH_ROUND_SECONDS', 5),
    rounds: envInt('BENCH_ROUNDS', 3),
    cpuProfileDir: env.BENCH_CPU_PROF,
  };
}

export interface WarmPathOptions {
  /** Signed-in users with accounts the load rotates through. */
  users: number;
  /** wrk connections (all on one wrk thread). */
  connections: number;
  /** Seconds per measured round. */
  roundSeconds: number;
  rounds: number;
  log: (line: string) => void;
  /** Directory for `node --cpu-prof` profiles of the three server processes (written when they stop). */
  cpuProfileDir?: string | undefined;
}

/** One wrk run, as its `done()` hook reports it. */
export interface WrkRound {
  requestsPerSecond: number;
  requests: number;
  non2xx: number;
  socketErrors: number;
  p50Ms: number;
  p99Ms: number;
  /**
   * CPU time the server process spent per answered request (user + system, from /proc), in µs. Far
   * steadier than req/s on a loaded machine: other processes take wall-clock time from a round, not CPU
   * time from the server's requests. `undefined` where /proc is not readable.
   */
  cpuUsPerRequest: number | undefined;
  /** The same for the process's main (JavaScript) thread alone: no GC helpers, compilers, thread pool. */
  mainThreadCpuUsPerRequest: number | undefined;
}

export interface WarmSide {
  /** Best round, requests per second. */
  best: number;
  /** Every measured round, in order. */
  rounds: WrkRound[];
}

export interface WarmPathWrkResult {
  users: number;
  connections: number;
  roundSeconds: number;
  wrkVersion: string;
  exampleBff: WarmSide;
  library: WarmSide;
  bare: WarmSide;
  /** Side / bare within each round (run back to back), lowest and highest. */
  exampleRatios: { min: number; max: number };
  libraryRatios: { min: number; max: number };
  /** Request log lines the example BFF wrote during the run (proof that the log line was paid for). */
  exampleLogLines: number;
  exampleLogBytes: number;
  /** Peak RSS of the example BFF process (from /proc, MiB), when readable. */
  examplePeakRssMiB: number | undefined;
}

/** wrk's version line, or a clear error naming how to install it. */
export function requireWrk(): string {
  const probe = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  if (probe.error) {
    throw new Error(
      'wrk is not installed (the warm-path benchmark drives the servers with it from its own process). ' +
        'Install it: Debian/Ubuntu `sudo apt-get install wrk`, macOS `brew install wrk`, or build it from https://github.com/wg/wrk.',
    );
  }
  return `${probe.stdout}${probe.stderr}`.split('\n')[0]?.trim() ?? 'wrk';
}

export interface Child {
  process: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

/** Starts `node --import tsx <file>` and waits until its output matches `ready`. */
export async function startNode(
  file: string,
  env: Record<string, string>,
  ready: RegExp,
  options: { nodeArgs?: string[]; args?: string[]; stdoutFile?: string } = {},
): Promise<{ child: Child; match: RegExpExecArray }> {
  const { openSync, closeSync } = await import('node:fs');
  const fd = options.stdoutFile === undefined ? undefined : openSync(options.stdoutFile, 'w');
  const child = spawn(
    process.execPath,
    [
      ...(options.nodeArgs ?? []),
      '--conditions=source',
      '--import',
      'tsx',
      file,
      ...(options.args ?? []),
    ],
    {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', fd ?? 'pipe', 'pipe'],
    },
  );
  if (fd !== undefined) closeSync(fd);
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  const output = () => text;
  const stop = () =>
    new Promise<void>((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.once('exit', () => {
        clearTimeout(kill);
        done();
      });
      child.kill('SIGTERM');
    });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const seen =
      fd === undefined ? text : `${await readFile(options.stdoutFile as string, 'utf8')}${text}`;
    const match = ready.exec(seen);
    if (match) return { child: { process: child, output, stop }, match };
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`${file} did not start:\n${seen.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Runs `work` over `items` with at most `concurrency` at once. */
async function inParallel<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

/** A warm-path request; refuses anything but 200, since every user already has an account. */
async function ensureExisting(url: string, cookie: string): Promise<unknown> {
  const response = await fetch(`${url}${accountPath}`, {
    method: 'PUT',
    headers: { Cookie: cookie, 'X-CSRF': '1', Origin: origin },
  });
  const body: unknown = await response.json();
  if (response.status !== 200) {
    throw new Error(`a seeded user's PUT answered ${response.status}: ${JSON.stringify(body)}`);
  }
  return body;
}

/** Signs each user in through the example BFF's demo sign-in; returns their `Cookie` values. */
async function signIn(url: string, users: string[]): Promise<string[]> {
  const cookies: string[] = [];
  await inParallel(users, 16, async (userId) => {
    const response = await fetch(`${url}/api/session`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CSRF': '1', Origin: origin },
      body: JSON.stringify({ userId }),
    });
    const cookie = response.headers.get('Set-Cookie')?.split(';')[0];
    await response.arrayBuffer();
    if (response.status !== 200 || cookie === undefined) {
      throw new Error(`demo sign-in answered ${response.status}`);
    }
    cookies.push(cookie);
  });
  return cookies;
}

/** The CPU time (user + system) process `pid` has used, in µs, from /proc; `undefined` elsewhere. */
function cpuUs(pid: number | undefined, mainThreadOnly = false): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(
      mainThreadOnly ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`,
      'utf8',
    );
    // Fields after the `(comm)`, which may itself hold spaces: utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1e6) / clockTicksPerSecond : undefined;
  } catch {
    return undefined;
  }
}

/** USER_HZ: 100 on every Linux that matters here; asked once rather than assumed. */
const clockTicksPerSecond =
  Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;

export function runWrk(
  url: string,
  cookieFile: string,
  connections: number,
  seconds: number,
  serverPid?: number,
): WrkRound {
  const cpuBefore = cpuUs(serverPid);
  const mainBefore = cpuUs(serverPid, true);
  const run = spawnSync(
    'wrk',
    [
      '-t1',
      `-c${connections}`,
      `-d${seconds}s`,
      '--latency',
      '-s',
      join(here, 'rotateSessions.lua'),
      url,
      '--',
      cookieFile,
      origin,
    ],
    { encoding: 'utf8', timeout: (seconds + 30) * 1000 },
  );
  const cpuAfter = cpuUs(serverPid);
  const mainAfter = cpuUs(serverPid, true);
  const line = /WRK_RESULT (\{.*\})/.exec(run.stdout ?? '')?.[1];
  if (line === undefined) throw new Error(`wrk gave no result:\n${run.stdout}\n${run.stderr}`);
  const r = JSON.parse(line) as Record<string, number>;
  const n = (key: string) => r[key] ?? 0;
  return {
    requestsPerSecond: n('requests') / (n('durationUs') / 1e6),
    requests: n('requests'),
    non2xx: n('non2xx'),
    socketErrors: n('connectErrors') + n('readErrors') + n('writeErrors') + n('timeouts'),
    p50Ms: n('p50Us') / 1000,
    p99Ms: n('p99Us') / 1000,
    cpuUsPerRequest:
      cpuBefore === undefined || cpuAfter === undefined || n('requests') === 0
        ? undefined
        : (cpuAfter - cpuBefore) / n('requests'),
    mainThreadCpuUsPerRequest:
      mainBefore === undefined || mainAfter === undefined || n('requests') === 0
        ? undefined
        : (mainAfter - mainBefore) / n('requests'),
  };
}

export function peakRssMiB(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const status = spawnSync('cat', [`/proc/${pid}/status`], { encoding: 'utf8' }).stdout;
    const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]);
    return Number.isFinite(kb) ? kb / 1024 : undefined;
  } catch {
    return undefined;
  }
}

const ratios = (side: WarmSide, bare: WarmSide) => {
  const each = side.rounds.map(
    (round, i) => round.requestsPerSecond / (bare.rounds[i]?.requestsPerSecond ?? Number.NaN),
  );
  return { min: Math.min(...each), max: Math.max(...each) };
};

export async function warmPathWrk(options: WarmPathOptions): Promise<WarmPathWrkResult> {
  const wrkVersion = requireWrk();
  const { log } = options;
  const work = await mkdtemp(join(tmpdir(), 'knewton-bench-'));
  const children: Child[] = [];
  try {
    log('  starting the simulator (no rate limits: provisioning is not what is measured)...');
    const sim = await startNode(
      join(root, 'packages/platform-sim/src/cli.ts'),
      {},
      /listening on (\S+)[\s\S]*api key:\s+(\S+)[\s\S]*api secret:\s+(\S+)[\s\S]*system external user id:\s+(\S+)/,
      { args: ['--port', '0', '--no-rate-limits'] },
    ).then((started) => {
      children.push(started.child);
      return started.match;
    });
    const [, simUrl = '', apiKey = '', apiSecret = '', systemExternalUserId = ''] = sim;
    const platformEnv = {
      KNEWTON_API_URL: simUrl,
      KNEWTON_API_KEY: apiKey,
      KNEWTON_API_SECRET: apiSecret,
      KNEWTON_SYSTEM_EXTERNAL_USER_ID: systemExternalUserId,
      KNEWTON_PSEUDONYM_KEY: randomBytes(32).toString('base64url'),
    };

    const userIds = Array.from({ length: options.users }, (_, i) => `bench-user-${i}`);
    const exampleDataDir = join(work, 'data');
    const libraryDataDir = join(work, 'library');
    // A user's DATA_DIR exists already (`.data` in a clone); the store does not create its parent.
    await mkdir(exampleDataDir);
    await mkdir(libraryDataDir);
    log(`  giving ${options.users} users their accounts (simulator + both servers' stores)...`);
    await seedWarmAccounts({
      simUrl,
      apiKey,
      apiSecret,
      systemExternalUserId,
      pseudonymKey: platformEnv.KNEWTON_PSEUDONYM_KEY,
      userIds,
      pgliteDirs: [join(exampleDataDir, 'pglite'), join(libraryDataDir, 'pglite')],
    });

    log('  starting the example BFF as `pnpm bff` does (PGlite, demo sessions, log to a file)...');
    const logFile = join(work, 'bff.log');
    const example = await startNode(
      join(root, 'apps/bff/src/main.ts'),
      {
        ...platformEnv,
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: exampleDataDir,
        SESSION_SECRET: randomBytes(32).toString('base64url'),
        ALLOWED_ORIGINS: origin,
        // Thousands of bench users sign in from this one address: over the demo's per-address limit.
        SIGN_IN_RATE_LIMIT: '0',
      },
      /listening on (http:\S+)/,
      {
        stdoutFile: logFile,
        nodeArgs: cpuProfileArgs(options.cpuProfileDir, 'example-bff'),
      },
    );
    children.push(example.child);
    const exampleUrl = example.match[1] ?? '';

    log('  starting the library alone on @hono/node-server...');
    const library = await startNode(
      join(here, 'libraryServer.ts'),
      { ...platformEnv, BENCH_ORIGIN: origin, BENCH_PGLITE_DIR: join(libraryDataDir, 'pglite') },
      /listening (http:\S+)/,
      { nodeArgs: cpuProfileArgs(options.cpuProfileDir, 'library') },
    );
    children.push(library.child);
    const libraryUrl = library.match[1] ?? '';

    log(`  signing ${options.users} users in through the example BFF's demo sign-in...`);
    const exampleCookies = await signIn(exampleUrl, userIds);
    const libraryCookies = userIds.map((id) => `bench_user=${id}`);
    // Every user already has an account: both servers answer 200 (a 201 would mean a create happened).
    await ensureExisting(exampleUrl, exampleCookies[0] as string);
    const account = await ensureExisting(libraryUrl, libraryCookies[0] as string);

    const bare = await startNode(
      join(here, 'bareServer.ts'),
      { BENCH_ACCOUNT_JSON: JSON.stringify(account) },
      /listening (http:\S+)/,
      { nodeArgs: cpuProfileArgs(options.cpuProfileDir, 'bare') },
    );
    children.push(bare.child);
    const bareUrl = bare.match[1] ?? '';

    const exampleCookieFile = join(work, 'example-cookies.txt');
    const libraryCookieFile = join(work, 'library-cookies.txt');
    await writeFile(exampleCookieFile, `${exampleCookies.join('\n')}\n`);
    await writeFile(libraryCookieFile, `${libraryCookies.join('\n')}\n`);

    const sides = [
      {
        name: 'example BFF',
        url: exampleUrl,
        pid: example.child.process.pid,
        cookies: exampleCookieFile,
        rounds: [] as WrkRound[],
      },
      {
        name: 'library',
        url: libraryUrl,
        pid: library.child.process.pid,
        cookies: libraryCookieFile,
        rounds: [] as WrkRound[],
      },
      {
        name: 'bare',
        url: bareUrl,
        pid: bare.child.process.pid,
        cookies: libraryCookieFile,
        rounds: [] as WrkRound[],
      },
    ];
    // Every user once on each server first, so the measured rounds find every account in the caches.
    log('  warm-up: every user once per server, then 3 s of wrk per side...');
    await inParallel(exampleCookies, 16, async (cookie) => {
      await ensureExisting(exampleUrl, cookie);
    });
    await inParallel(libraryCookies, 16, async (cookie) => {
      await ensureExisting(libraryUrl, cookie);
    });
    for (const side of sides) runWrk(side.url, side.cookies, options.connections, 3);
    const logBytesBefore = (await stat(logFile)).size;
    const logLinesBefore = countLines(await readFile(logFile, 'utf8'));
    for (let round = 1; round <= options.rounds; round++) {
      for (const side of sides) {
        const result = runWrk(
          side.url,
          side.cookies,
          options.connections,
          options.roundSeconds,
          side.pid,
        );
        side.rounds.push(result);
        log(
          `  round ${round} ${side.name}: ${Math.round(result.requestsPerSecond)} req/s, p50 ${result.p50Ms.toFixed(2)} ms, ${result.cpuUsPerRequest?.toFixed(1) ?? '?'} µs CPU/request (main thread ${result.mainThreadCpuUsPerRequest?.toFixed(1) ?? '?'}), non-2xx ${result.non2xx}, socket errors ${result.socketErrors}`,
        );
      }
    }
    const examplePeakRssMiB = peakRssMiB(example.child.process.pid);
    // Stopped before its log is read: an asynchronous logger flushes what it still holds on exit.
    await example.child.stop();
    const logText = await readFile(logFile, 'utf8');
    const [exampleSide, librarySide, bareSide] = sides.map((side) => ({
      best: Math.max(...side.rounds.map((r) => r.requestsPerSecond)),
      rounds: side.rounds,
    })) as [WarmSide, WarmSide, WarmSide];
    return {
      users: options.users,
      connections: options.connections,
      roundSeconds: options.roundSeconds,
      wrkVersion,
      exampleBff: exampleSide,
      library: librarySide,
      bare: bareSide,
      exampleRatios: ratios(exampleSide, bareSide),
      libraryRatios: ratios(librarySide, bareSide),
      exampleLogLines: countLines(logText) - logLinesBefore,
      exampleLogBytes: Buffer.byteLength(logText) - logBytesBefore,
      examplePeakRssMiB,
    };
  } finally {
    for (const child of children.reverse()) await child.stop();
    await rm(work, { recursive: true, force: true });
  }
}

/** `node --cpu-prof` into `<dir>/<name>/`, or nothing. */
function cpuProfileArgs(dir: string | undefined, name: string): string[] {
  return dir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${join(dir, name)}`];
}

function countLines(text: string): number {
  let lines = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  return lines;
}
