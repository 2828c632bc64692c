import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const childScript = fileURLToPath(new URL('./holdPgliteFolderLock.ts', import.meta.url));

export interface LockHolder {
  readonly child: ChildProcess;
  /** Resolves once the child has loaded and waits for `go`. */
  readonly ready: Promise<void>;
  /** Tells the child to take the lock; resolves with its first answer line (`won` or `refused …`). */
  go(): Promise<string>;
  /** Closes stdin: the child exits normally (running its exit handlers). */
  exitNormally(): Promise<number | null>;
  kill9(): Promise<void>;
}

/** A separate process that takes the lock of `dataDir` on command (`tsx` runs it directly: one pid). */
export function spawnLockHolder(dataDir: string): LockHolder {
  // `node --import tsx` rather than the tsx launcher: the launcher forks, and kill -9 must hit the holder.
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', childScript], {
    env: { ...process.env, DATA_DIR: dataDir },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const queue: string[] = [];
  const waiters: ((line: string) => void)[] = [];
  lines.on('line', (line) => {
    const waiter = waiters.shift();
    if (waiter) waiter(line);
    else queue.push(line);
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const nextLine = () =>
    new Promise<string>((resolve, reject) => {
      const queued = queue.shift();
      if (queued !== undefined) return resolve(queued);
      waiters.push(resolve);
      void exited.then(() => reject(new Error(`lock holder exited: ${stderr.slice(-1000)}`)));
    });
  const ready = nextLine().then((line) => {
    if (line !== 'ready') throw new Error(`unexpected line from the lock holder: ${line}`);
  });
  return {
    child,
    ready,
    go() {
      child.stdin?.write('go\n');
      return nextLine();
    },
    exitNormally() {
      child.stdin?.end();
      return exited;
    },
    async kill9() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}
