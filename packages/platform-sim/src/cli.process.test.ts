import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { seededGraphs } from './seededGraphs.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function startCli(args: string[]) {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', 'src/cli.ts', ...args],
    {
      cwd: packageDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  const lines: string[] = [];
  const waiters: { match: RegExp; resolve: (line: string) => void }[] = [];
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    lines.push(line);
    for (const waiter of [...waiters]) {
      if (waiter.match.test(line)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const waitForLine = (match: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const found = lines.find((line) => match.test(line));
      if (found) return resolve(found);
      waiters.push({ match, resolve });
      exited.then(() =>
        reject(new Error(`CLI exited before printing ${match}; stderr: ${stderr}`)),
      );
    });
  return { child, lines, waitForLine, exited, stderr: () => stderr };
}

describe('platform-sim CLI', () => {
  it('prints its URL and credentials, serves the API, and stops cleanly on SIGTERM', async () => {
    const cli = startCli([
      '--port',
      '0',
      '--api-key',
      'cli-key',
      '--api-secret',
      'cli-secret',
      '--system-external-user-id',
      'cli-SystemUser',
    ]);
    const listening = await cli.waitForLine(/listening on http:\/\//);
    const url = /(http:\/\/\S+)/.exec(listening)?.[1] ?? '';
    expect(await cli.waitForLine(/api key:/)).toMatch(/cli-key$/);
    expect(await cli.waitForLine(/api secret:/)).toMatch(/cli-secret$/);
    expect(await cli.waitForLine(/system external user id:/)).toMatch(/cli-SystemUser$/);
    // The seeded graph ids, for a BFF's KNEWTON_GRAPH_ID.
    await cli.waitForLine(/Press Ctrl-C/);
    for (const graph of seededGraphs) {
      expect(cli.lines.some((line) => line.includes(`${graph.id} ${graph.name}`))).toBe(true);
    }
    expect(cli.lines.find((line) => line.includes('seeded graphs:'))).toContain(
      seededGraphs[0]?.id,
    );

    const token = await fetch(`${url}/v0/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('cli-key:cli-secret').toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials&scope=cli-SystemUser',
    });
    expect(token.status).toBe(200);
    const { access_token } = (await token.json()) as { access_token: string };
    const created = await fetch(`${url}/v0/accounts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
      body: '{"external_user_id":"from-cli-test"}',
    });
    expect(created.status).toBe(201);

    cli.child.kill('SIGTERM');
    const [code] = await cli.exited;
    expect(code).toBe(0);
    expect(cli.lines.at(-1)).toMatch(/stopped/);
  }, 30_000);

  it('--state-file: an account created right before a kill -9 is still known after a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'platform-sim-cli-'));
    const stateFile = join(dir, 'sim.json');
    const basic = `Basic ${Buffer.from('sim-api-key:sim-api-secret').toString('base64')}`;
    const tokenFor = (url: string, scope: string) =>
      fetch(`${url}/v0/oauth/token`, {
        method: 'POST',
        headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
        body: `grant_type=client_credentials&scope=${scope}`,
      });
    try {
      const first = startCli(['--port', '0', '--state-file', stateFile]);
      expect(await first.waitForLine(/state:/)).toContain(stateFile);
      const firstUrl = /(http:\/\/\S+)/.exec(await first.waitForLine(/listening on/))?.[1] ?? '';
      const admin = (await (await tokenFor(firstUrl, 'sim-partner-SystemUser')).json()) as {
        access_token: string;
      };
      const created = await fetch(`${firstUrl}/v0/accounts`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${admin.access_token}`,
          'content-type': 'application/json',
        },
        body: '{"external_user_id":"survives-restart"}',
      });
      const { id } = (await created.json()) as { id: string };
      // kill -9 the moment the answer arrived: no shutdown hook runs, the state was on disk already.
      first.child.kill('SIGKILL');
      expect((await first.exited)[1]).toBe('SIGKILL');

      const second = startCli(['--port', '0', '--state-file', stateFile]);
      const secondUrl = /(http:\/\/\S+)/.exec(await second.waitForLine(/listening on/))?.[1] ?? '';
      const token = await tokenFor(secondUrl, 'survives-restart');
      expect(token.status).toBe(200);
      expect(((await token.json()) as { account_id: string }).account_id).toBe(id);
      second.child.kill('SIGTERM');
      expect((await second.exited)[0]).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('stops cleanly on SIGINT (Ctrl-C)', async () => {
    const cli = startCli(['--port', '0', '--no-rate-limits']);
    expect(await cli.waitForLine(/rate limits:/)).toMatch(/off$/);
    cli.child.kill('SIGINT');
    const [code] = await cli.exited;
    expect(code).toBe(0);
  }, 30_000);

  it('refuses a bad flag with one clear line and exit code 2', async () => {
    const cli = startCli(['--port', 'eighty']);
    const [code] = await cli.exited;
    expect(code).toBe(2);
    expect(cli.stderr().trim().split('\n')).toEqual([
      'platform-sim: --port must be an integer from 0 to 65535. (see --help)',
    ]);
    const unknown = startCli(['--verbose']);
    expect((await unknown.exited)[0]).toBe(2);
    expect(unknown.stderr()).toMatch(/--verbose/);
  }, 30_000);
});
