import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const childScript = fileURLToPath(new URL('./ensureInChildProcess.ts', import.meta.url));
const tsxBin = fileURLToPath(new URL('../../../../node_modules/.bin/tsx', import.meta.url));

export interface ChildOutcome {
  user: string;
  accountId: string;
  created: boolean;
}

/**
 * Starts one child per entry of `childEnvs`, waits until every child is ready, releases them at once and
 * collects their outcomes. Rejects (and kills the rest) if any child fails or `timeoutMs` passes.
 */
export async function runChildProcesses<Outcome = ChildOutcome>(
  childEnvs: Record<string, string>[],
  timeoutMs: number,
  script: string = childScript,
): Promise<Outcome[][]> {
  const children: ChildProcess[] = [];
  const timer = setTimeout(() => {
    for (const child of children) child.kill('SIGKILL');
  }, timeoutMs);
  try {
    const runs = childEnvs.map((env) => {
      const child = spawn(tsxBin, ['--conditions=source', script], {
        env: { ...process.env, ...env },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      children.push(child);
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
      const received: string[] = [];
      let onReady!: () => void;
      const ready = new Promise<void>((resolve) => {
        onReady = resolve;
      });
      lines.on('line', (line) => {
        if (line === 'ready') onReady();
        else received.push(line);
      });
      const exited = new Promise<Outcome[]>((resolve, reject) => {
        child.on('error', reject);
        child.on('close', (code) => {
          const last = received.at(-1);
          if (code === 0 && last) resolve(JSON.parse(last) as Outcome[]);
          else reject(new Error(`child exited with ${code}: ${stderr.slice(-2000)}`));
        });
      });
      return { child, ready: Promise.race([ready, exited.then(() => undefined)]), exited };
    });
    await Promise.all(runs.map((run) => run.ready));
    for (const run of runs) run.child.stdin?.end('go\n');
    return await Promise.all(runs.map((run) => run.exited));
  } finally {
    clearTimeout(timer);
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  }
}
