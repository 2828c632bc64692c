import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { repoRoot } from '../chaos/src/repoRoot.js';

/** What the simulator's `/__sim/stats` answers. */
export interface SimProcessStats {
  accounts: number;
  calls: Record<string, number>;
  rateLimited: number;
}

/** The simulator as `pnpm sim` runs it, in a process of its own. */
export interface SimProcess {
  url: string;
  apiKey: string;
  apiSecret: string;
  systemExternalUserId: string;
  pid: number;
  stats(): Promise<SimProcessStats>;
  /** External id of every account created through the API (the system account left out). */
  externalUserIds(): Promise<string[]>;
  stop(): Promise<void>;
}

/**
 * Starts `packages/platform-sim/src/cli.ts` (with its documented rate limits unless `args` say otherwise)
 * and reads its credentials from the start-up banner. Its own process so that what drives the load does
 * not share an event loop with the platform: a herd of 20,000 clients beside an in-process simulator
 * starves both.
 */
export async function startSimProcess(args: string[] = []): Promise<SimProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      'tsx',
      'packages/platform-sim/src/cli.ts',
      '--port',
      '0',
      ...args,
    ],
    { cwd: repoRoot, env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const banner: Record<string, string> = {};
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('the simulator did not start in 60 s')),
      60_000,
    );
    lines.on('line', (line) => {
      const url = /listening on (\S+)/.exec(line)?.[1];
      if (url) banner.url = url.replace('localhost', '127.0.0.1');
      const field = /^\s+(api key|api secret|system external user id):\s+(\S+)/.exec(line);
      if (field?.[1] && field[2]) banner[field[1]] = field[2];
      if (line.startsWith('Press Ctrl-C')) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the simulator exited before it listened: ${stderr}`));
    });
  });
  const { url, 'api key': apiKey, 'api secret': apiSecret } = banner;
  const systemExternalUserId = banner['system external user id'];
  if (!url || !apiKey || !apiSecret || !systemExternalUserId)
    throw new Error('the simulator banner lacked its url or credentials');
  const getJson = async (path: string) => {
    const response = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(60_000) });
    if (!response.ok) throw new Error(`simulator ${path} answered ${response.status}`);
    return response.json();
  };
  return {
    url,
    apiKey,
    apiSecret,
    systemExternalUserId,
    pid: child.pid as number,
    stats: () => getJson('/__sim/stats') as Promise<SimProcessStats>,
    async externalUserIds() {
      const body = (await getJson('/__sim/accounts')) as {
        accounts: Array<{ externalUserId: string }>;
      };
      return body.accounts.map((account) => account.externalUserId);
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(kill);
    },
  };
}
