import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { createPgliteStore } from '@knewton-kit/bff';
import { afterEach, describe, expect, it } from 'vitest';
import { sessionCookieOf } from '../test/support/sessionCookieOf.js';
import { sessionCookieName } from './demoSession.js';

const repoRoot = resolve(import.meta.dirname, '../../..');
const mainPath = resolve(import.meta.dirname, 'main.ts');
let child: ChildProcess | undefined;
let dataDir: string | undefined;

afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await once(child, 'exit');
  }
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('pnpm bff with the in-process simulator, killed with kill -9 mid-provisioning', () => {
  it('loses no platform account of a user the store already maps', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'kk-kill-9-'));
    child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', mainPath], {
      cwd: repoRoot,
      // 120 sign-ins from one address: over the demo's per-address sign-in limit, which is not under test.
      env: { PATH: process.env.PATH ?? '', PORT: '0', DATA_DIR: dataDir, SIGN_IN_RATE_LIMIT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    const url = await new Promise<string>((resolveUrl, reject) => {
      child?.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
      lines.on('line', (line) => {
        const match = /listening on (http:\/\/\S+)/.exec(line);
        if (match?.[1]) resolveUrl(match[1]);
      });
    });

    // 120 users sign in and ensure their accounts, 12 at a time; kill -9 lands once 60 have answered,
    // with creations still in flight.
    const users = Array.from({ length: 120 }, (_, i) => `kill-9-user-${i}`);
    let answered = 0;
    let killed = false;
    const exited = once(child, 'exit');
    const provision = async (user: string) => {
      const signIn = await fetch(`${url}/api/session`, {
        method: 'POST',
        headers: { 'X-CSRF': '1', 'Content-Type': 'application/json' },
        body: JSON.stringify({ userId: user }),
      });
      const cookie = `${sessionCookieName}=${sessionCookieOf(signIn) ?? ''}`;
      const ensured = await fetch(`${url}/api/knewton/account`, {
        method: 'PUT',
        headers: { 'X-CSRF': '1', Cookie: cookie },
      });
      expect(ensured.status).toBe(201);
      answered++;
      if (answered >= 60 && !killed) {
        killed = true;
        child?.kill('SIGKILL');
      }
    };
    const queue = [...users];
    await Promise.all(
      Array.from({ length: 12 }, async () => {
        for (let user = queue.shift(); user !== undefined && !killed; user = queue.shift()) {
          await provision(user).catch(() => {});
        }
      }),
    );
    await exited;
    expect(killed).toBe(true);

    // What survived: every mapping in the store names an account the simulator's state file holds.
    const state = JSON.parse(await readFile(join(dataDir, 'platform-sim.json'), 'utf8')) as {
      accounts: { id: string; externalUserId: string }[];
    };
    const onPlatform = new Map(state.accounts.map((account) => [account.id, account]));
    const store = await createPgliteStore({ dataDir: join(dataDir, 'pglite') });
    try {
      const rows = await store.db.selectFrom('knewton_accounts').selectAll().execute();
      expect(rows.length).toBeGreaterThanOrEqual(60);
      const lost = rows.filter(
        (row) => onPlatform.get(row.account_id)?.externalUserId !== row.external_id,
      );
      expect(lost).toEqual([]);
    } finally {
      await store.close();
    }
  }, 120_000);
});
