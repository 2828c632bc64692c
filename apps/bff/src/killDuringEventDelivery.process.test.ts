import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { createAdaptorServer } from '@hono/node-server';
import { createPlatformSim, type PlatformSim, seededGraphs } from '@knewton-kit/platform-sim';
import pg from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sessionCookieOf } from '../test/support/sessionCookieOf.js';
import { sessionCookieName } from './demoSession.js';

const repoRoot = resolve(import.meta.dirname, '../../..');
const mainPath = resolve(import.meta.dirname, 'main.ts');
const testDatabaseUrl = process.env.TEST_DATABASE_URL || undefined;
if (!testDatabaseUrl)
  console.warn(
    '[killDuringEventDelivery] PostgreSQL variant skipped: TEST_DATABASE_URL is not set',
  );
const graph = seededGraphs[0] as (typeof seededGraphs)[number];
const origin = 'http://localhost:5173';

/**
 * The simulator behind a server of the test's own, which can hold a `batch-events` answer after the
 * platform recorded the events (the window between the platform's answer and the outbox update), and
 * which records every delivered event's `duration`: the test makes it unique per event, because the
 * platform's copy of an event carries no id.
 */
async function startHoldingSim() {
  const sim: PlatformSim = createPlatformSim();
  const delivered: number[] = [];
  let holdNext = false;
  let held: { pid: number; release: () => void } | undefined;
  const server = createAdaptorServer({
    overrideGlobalObjects: false,
    async fetch(request) {
      const isBatch = /\/v0\/registrations\/[^/]+\/batch-events$/.test(
        new URL(request.url).pathname,
      );
      const body = isBatch ? await request.clone().json() : undefined;
      const response = await sim.fetch(request);
      if (isBatch && response.status === 204) {
        for (const event of (body as { events: { duration: number }[] }).events) {
          delivered.push(event.duration);
        }
        if (holdNext) {
          holdNext = false;
          const pid = Number(
            /^outbox-(\d+)-\d+$/.exec(request.headers.get('request-label') ?? '')?.[1],
          );
          await new Promise<void>((release) => {
            held = { pid, release };
          });
        }
      }
      return response;
    },
  }) as Server;
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    sim,
    url,
    /** How often the platform accepted each event tag. */
    copiesOf: (tag: number) => delivered.filter((value) => value === tag).length,
    holdNextBatch() {
      holdNext = true;
      held = undefined;
    },
    /** The pid (from `request-label: outbox-<pid>-<claim>`) of the process whose answer is held, once one is. */
    held: () => held,
    async close() {
      held?.release();
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    },
  };
}

interface Bff {
  url: string;
  pid: number;
  child: ChildProcess;
}
const children: ChildProcess[] = [];
const cleanups: Array<() => Promise<void>> = [];

async function startBff(env: Record<string, string>): Promise<Bff> {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', mainPath], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', PORT: '0', SIGN_IN_RATE_LIMIT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const url = await new Promise<string>((resolveUrl, reject) => {
    child.once('exit', (code) => reject(new Error(`the BFF exited early with ${code}`)));
    lines.on('line', (line) => {
      const match = /listening on (http:\/\/\S+)/.exec(line);
      if (match?.[1]) resolveUrl(match[1].replace('localhost', '127.0.0.1'));
    });
  });
  return { url, pid: child.pid as number, child };
}

async function kill9(bff: Bff): Promise<void> {
  if (bff.child.exitCode !== null || bff.child.signalCode !== null) return;
  const exited = once(bff.child, 'exit');
  bff.child.kill('SIGKILL');
  await exited;
}

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  }
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function signIn(url: string, userId: string): Promise<string> {
  const response = await fetch(`${url}/api/session`, {
    method: 'POST',
    headers: { 'X-CSRF': '1', 'Content-Type': 'application/json', Origin: origin },
    body: JSON.stringify({ userId }),
  });
  return `${sessionCookieName}=${sessionCookieOf(response) ?? ''}`;
}

let nextTag = 0;
function events(count: number) {
  return Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    type: 'graded',
    moduleId: graph.moduleIds[i % 3] as string,
    interactionEndTime: '2026-12-01T09:00:00Z',
    isCorrect: true,
    durationMs: nextTag++,
  }));
}

async function postEvents(url: string, cookie: string, batch: ReturnType<typeof events>) {
  const response = await fetch(`${url}/api/knewton/events`, {
    method: 'POST',
    headers: { 'X-CSRF': '1', 'Content-Type': 'application/json', Origin: origin, Cookie: cookie },
    body: JSON.stringify({ events: batch }),
  });
  expect(response.status).toBe(202);
  expect(await response.json()).toEqual({ accepted: batch.length });
}

const kinds = [
  { kind: 'PGlite (the restart on the same folder takes over)', postgres: false },
  { kind: 'PostgreSQL (a second process takes over)', postgres: true },
] as const;

describe.each(kinds)('pnpm bff on $kind, kill -9 during event delivery', ({ postgres }) => {
  it.skipIf(postgres && !testDatabaseUrl)(
    'delivers every accepted event; only a kill between the platform’s answer and the outbox update resends (those events once more)',
    async () => {
      const platform = await startHoldingSim();
      cleanups.push(() => platform.close());
      const env: Record<string, string> = {
        KNEWTON_API_URL: platform.url,
        KNEWTON_API_KEY: platform.sim.apiKey,
        KNEWTON_API_SECRET: platform.sim.apiSecret,
        KNEWTON_SYSTEM_EXTERNAL_USER_ID: platform.sim.systemExternalUserId,
        KNEWTON_PSEUDONYM_KEY: randomBytes(32).toString('base64url'),
        SESSION_SECRET: randomBytes(32).toString('base64url'),
        KNEWTON_GRAPH_ID: graph.id,
        ALLOWED_ORIGINS: origin,
      };
      if (postgres) {
        const name = `example_bff_outbox_${randomBytes(6).toString('hex')}`;
        const admin = new pg.Client({ connectionString: testDatabaseUrl });
        await admin.connect();
        await admin.query(`create database ${name}`);
        cleanups.push(async () => {
          await admin.query(`drop database if exists ${name} with (force)`);
          await admin.end();
        });
        const databaseUrl = new URL(testDatabaseUrl as string);
        databaseUrl.pathname = `/${name}`;
        env.DATABASE_URL = databaseUrl.toString();
      } else {
        const dataDir = await mkdtemp(join(tmpdir(), 'kk-outbox-kill-'));
        cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
        env.DATA_DIR = dataDir;
      }
      // PostgreSQL: two processes share the outbox; PGlite: one process per folder, restarted after a kill.
      let serving: Bff[] = await Promise.all(
        postgres ? [startBff(env), startBff(env)] : [startBff(env)],
      );
      const first = serving[0] as Bff;
      const cookie = await signIn(first.url, 'ada');
      const ensured = await fetch(`${first.url}/api/knewton/account`, {
        method: 'PUT',
        headers: { 'X-CSRF': '1', Origin: origin, Cookie: cookie },
      });
      expect(ensured.status).toBe(201);

      // 1. Between accept and delivery: the platform is down, 10 events are accepted, the process that
      // accepted them is killed. They wait in the outbox and are delivered once the platform is back.
      platform.sim.setFaults({ errorRate: 1, errorStatus: 503 });
      const waiting = events(10);
      await postEvents(first.url, cookie, waiting);
      await kill9(first);
      platform.sim.setFaults({});
      serving = postgres ? serving.slice(1) : [await startBff(env)];
      await vi.waitFor(
        () =>
          expect(waiting.map((event) => platform.copiesOf(event.durationMs))).toEqual(
            waiting.map(() => 1),
          ),
        { timeout: 45_000, interval: 100 },
      );
      if (postgres) serving.push(await startBff(env));

      // 2. Between the platform's answer and the outbox update: the platform records the batch, its answer
      // is held, and the process that sent it is killed. The batch goes again (the only duplicates).
      platform.holdNextBatch();
      const answered = events(5);
      await postEvents((serving[0] as Bff).url, cookie, answered);
      await vi.waitFor(() => expect(platform.held()).toBeDefined(), { timeout: 20_000 });
      const sender = serving.find((bff) => bff.pid === platform.held()?.pid);
      expect(
        sender,
        'the held batch names its sender (request-label outbox-<pid>-<claim>)',
      ).toBeDefined();
      await kill9(sender as Bff);
      platform.held()?.release();
      serving = serving.filter((bff) => bff !== sender);
      if (!postgres) serving.push(await startBff(env));
      // PostgreSQL: the survivor takes the learner over once the dead process's lease (30 s) runs out.
      await vi.waitFor(
        () =>
          expect(answered.map((event) => platform.copiesOf(event.durationMs))).toEqual(
            answered.map(() => 2),
          ),
        { timeout: 60_000, interval: 100 },
      );
      // A later event goes once, and nothing is resent a third time.
      const later = events(1);
      await postEvents((serving[0] as Bff).url, cookie, later);
      await vi.waitFor(() => expect(platform.copiesOf(later[0]?.durationMs as number)).toBe(1), {
        timeout: 20_000,
        interval: 100,
      });
      expect(platform.sim.stats().events).toBe(10 + 5 * 2 + 1);
      expect(platform.sim.stats().calls['POST /v0/registrations']).toBe(1);
      expect(platform.sim.stats().calls['POST /v0/learning-instances']).toBe(1);
    },
    150_000,
  );
});
