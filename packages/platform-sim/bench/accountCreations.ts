/**
 * Account creations per second through the simulator, with rate limits and faults off:
 * in-process (the `fetch` handler, one request at a time) and over loopback HTTP (Node's fetch,
 * CONCURRENCY requests in flight). For scale, the same HTTP client also drives a bare `node:http`
 * server that only reads the body and answers 201 `{}`: the simulator is not the bottleneck when its
 * figure is close to that ceiling. A last pair of phases runs in-process with a `stateFile`, where every
 * creation is on disk (written, synced, renamed) before it is answered: one at a time (each creation
 * pays a whole write) and CONCURRENCY in flight (group commit: one write serves every creation made
 * before it started). Each phase is bounded in count and time. Prints a markdown table
 * whose last line is the row to copy into BENCHMARKS.md.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPlatformSim, type PlatformSim } from '../src/index.js';

const MAX_CREATIONS = 50_000;
const MAX_MS = 3000;
const CONCURRENCY = 32;

type Send = (url: string, init: RequestInit) => Promise<Response>;

async function adminToken(sim: PlatformSim, baseUrl: string, send: Send): Promise<string> {
  const basic = Buffer.from(`${sim.apiKey}:${sim.apiSecret}`).toString('base64');
  const answer = await send(`${baseUrl}/v0/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${basic}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: `grant_type=client_credentials&scope=${encodeURIComponent(sim.systemExternalUserId)}`,
  });
  return ((await answer.json()) as { access_token: string }).access_token;
}

async function measure(
  label: string,
  send: Send,
  baseUrl: string,
  token: string,
  concurrency: number,
): Promise<number> {
  let next = 0;
  const started = performance.now();
  const deadline = started + MAX_MS;
  async function worker() {
    while (next < MAX_CREATIONS && performance.now() < deadline) {
      const index = next++;
      const answer = await send(`${baseUrl}/v0/accounts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: `{"external_user_id":"${label}-${index}"}`,
      });
      if (answer.status !== 201)
        throw new Error(`${label}: creation ${index} answered ${answer.status}`);
      await answer.arrayBuffer();
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  return next / ((performance.now() - started) / 1000);
}

const format = (perSecond: number) => Math.round(perSecond).toLocaleString('en-US');

const inProcessSim = createPlatformSim({ rateLimits: false });
// What an embedding client does: build a Request and hand it to the handler.
const inProcessSend: Send = (url, init) => inProcessSim.fetch(new Request(url, init));
const inProcessToken = await adminToken(inProcessSim, 'http://sim', inProcessSend);
await measure('warm', inProcessSend, 'http://sim', inProcessToken, 1);
const inProcess = await measure('in', inProcessSend, 'http://sim', inProcessToken, 1);

const httpSim = createPlatformSim({ rateLimits: false });
const server = await httpSim.listen({ port: 0 });
let overHttp: number;
try {
  const httpToken = await adminToken(httpSim, server.url, fetch);
  await measure('warm', fetch, server.url, httpToken, CONCURRENCY);
  overHttp = await measure('http', fetch, server.url, httpToken, CONCURRENCY);
} finally {
  await server.close();
}

const bare = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.writeHead(201, { 'content-type': 'application/json' });
    response.end('{}');
  });
});
await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}`;
let bareHttp: number;
try {
  await measure('warm', fetch, bareUrl, 'unused', CONCURRENCY);
  bareHttp = await measure('bare', fetch, bareUrl, 'unused', CONCURRENCY);
} finally {
  bare.closeAllConnections();
  await new Promise((resolve) => bare.close(resolve));
}

// Durable state file: the cost of "on disk before the answer".
const stateDir = mkdtempSync(join(tmpdir(), 'platform-sim-bench-'));
let durableSequential: number;
let durableConcurrent: number;
let stateBytes: number;
let stateAccounts: number;
try {
  const durableSim = createPlatformSim({
    rateLimits: false,
    stateFile: join(stateDir, 'state.json'),
  });
  const durableSend: Send = (url, init) => durableSim.fetch(new Request(url, init));
  const durableToken = await adminToken(durableSim, 'http://sim', durableSend);
  durableSequential = await measure('dur1', durableSend, 'http://sim', durableToken, 1);
  durableConcurrent = await measure('durN', durableSend, 'http://sim', durableToken, CONCURRENCY);
  await durableSim.close();
  stateBytes = statSync(join(stateDir, 'state.json')).size;
  stateAccounts = durableSim.stats().accounts;
} finally {
  rmSync(stateDir, { recursive: true, force: true });
}

console.log(
  `<!-- durable state file: ${format(durableSequential)} creations/s one at a time, ${format(durableConcurrent)}/s with ${CONCURRENCY} in flight; file at the end ${format(stateAccounts)} accounts, ${format(stateBytes / 1024)} KiB -->`,
);
console.log(
  `<!-- Node ${process.version}, ${MAX_MS / 1000} s per phase after a ${MAX_MS / 1000} s warm-up -->`,
);
console.log(
  `| benchmark | in-process (sequential) | loopback HTTP (${CONCURRENCY} in flight) | bare node:http, same client |`,
);
console.log('|---|---|---|---|');
console.log(
  `| platform-sim account creations per second | ${format(inProcess)} | ${format(overHttp)} | ${format(bareHttp)} |`,
);
console.log(
  `| same, in-process with a durable state file (1 / ${CONCURRENCY} in flight) | ${format(durableSequential)} / ${format(durableConcurrent)} | | |`,
);
