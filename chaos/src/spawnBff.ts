import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { repoRoot } from './repoRoot.js';

/** One example BFF process (`apps/bff/src/main.ts`, what `pnpm bff` runs), in its own process group. */
export interface BffProcess {
  /** e.g. `http://127.0.0.1:41234` */
  url: string;
  pid: number;
  /** Error-level log lines (a 500 `internal_error` or a crash report), for the anomaly count. */
  errorLines: string[];
  /**
   * The outbox's log lines about its batch calls (`"label":"outbox-<pid>-<claim>"`: delivered, not
   * confirmed, lease ran out), kept so a duplicate delivery can be traced to what its senders saw.
   */
  deliveryLines: string[];
  /** Resolves with the exit code (or signal name) once the process is gone. */
  exited: Promise<number | string>;
  /** True until the process has exited. */
  readonly alive: boolean;
  /** `kill -9` of the whole process group: no shutdown code runs. */
  kill9(): void;
  /** SIGTERM (graceful: in-flight requests finish, the store closes), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Kills every BFF process group this process started and has not seen exit. Synchronous, for `exit`. */
export function killAllBffs(): void {
  for (const child of live) {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  live.clear();
}

/**
 * Starts the example BFF as `pnpm bff` would, configured only through its environment, and resolves once
 * it prints its listening line. `node --import tsx` rather than the `tsx` launcher: the launcher forks a
 * second process, and a `kill -9` of the launcher alone would leave that child serving.
 */
export async function spawnBff(
  env: Record<string, string>,
  options: {
    startTimeoutMs?: number;
    label?: string;
    /** Another checkout to run `apps/bff/src/main.ts` from (a baseline of older code). @default repoRoot */
    root?: string;
    /** A lower open-file limit (`ulimit -n`) for the BFF, to reach it in a bounded test. @default inherited */
    openFileLimit?: number;
    /** Extra Node flags for the BFF process (e.g. `--cpu-prof`). @default none */
    nodeArgs?: string[];
    /** Sees every line the BFF writes to stdout (its JSON log), e.g. to read request latencies. */
    onLine?: (line: string) => void;
  } = {},
): Promise<BffProcess> {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', killAllBffs);
  }
  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  const nodeArgs = [
    ...(options.nodeArgs ?? []),
    '--import',
    'tsx',
    '--conditions=source',
    'apps/bff/src/main.ts',
  ];
  // `exec` keeps the pid (and process group) the shell's, so kill9/stop reach the Node process itself.
  const [command, args] =
    options.openFileLimit === undefined
      ? [process.execPath, nodeArgs]
      : [
          '/bin/sh',
          [
            '-c',
            `ulimit -n ${options.openFileLimit} && exec "$0" "$@"`,
            process.execPath,
            ...nodeArgs,
          ],
        ];
  const child = spawn(command, args, {
    cwd: options.root ?? repoRoot,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  if (child.pid === undefined) throw new Error('the BFF process did not start');
  live.add(child);
  const pid = child.pid;
  let alive = true;
  let stopping = false;
  const errorLines: string[] = [];
  const deliveryLines: string[] = [];
  let stderrTail = '';
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      alive = false;
      live.delete(child);
      // A BFF that dies without being told to is a crash of its own: report it with its last words.
      if (!stopping && listening) {
        errorLines.push(
          `BFF ${options.label ?? pid} exited by itself (${code ?? signal}): ${stderrTail.slice(-1500)}`,
        );
      }
      resolve(code ?? signal ?? 'unknown');
    });
  });
  let listening = false;
  child.stderr?.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString()).slice(-4000);
  });
  const isListening = () => {
    listening = true;
  };
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`BFF ${options.label ?? pid} did not start in ${startTimeoutMs} ms`));
    }, startTimeoutMs);
    lines.on('line', (line) => {
      options.onLine?.(line);
      const match = /listening on (http:\/\/\S+)/.exec(line);
      if (match?.[1]) {
        clearTimeout(timer);
        isListening();
        resolve(match[1].replace('localhost', '127.0.0.1'));
      }
      if (line.includes('"level":"error"') && errorLines.length < 50) errorLines.push(line);
      if (line.includes('"label":"outbox-') && deliveryLines.length < 200_000)
        deliveryLines.push(line);
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(
        new Error(`BFF ${options.label ?? pid} exited (${code}) before listening: ${stderrTail}`),
      );
    });
  }).catch((error: unknown) => {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {}
    throw error;
  });

  return {
    url,
    pid,
    errorLines,
    deliveryLines,
    exited,
    get alive() {
      return alive;
    },
    kill9() {
      stopping = true;
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    },
    async stop(graceMs = 15_000) {
      if (!alive) return;
      stopping = true;
      try {
        process.kill(-pid, 'SIGTERM');
      } catch {
        return;
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {}
      }, graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
