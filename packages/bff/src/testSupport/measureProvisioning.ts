/**
 * Ad-hoc measurement of the provisioning core alone (no HTTP): warm `ensureAccount` calls per second and
 * the latency a create adds over the simulator's own handling. `tsx --conditions=source` this file.
 * The project's benchmarks (`pnpm bench`) measure the full routes; this isolates the core.
 */
import { createPlatformSim } from '@knewton-kit/platform-sim';
import { createAccountProvisioner } from '../provisioning/createAccountProvisioner.js';
import { createPgliteStore } from '../store/createPgliteStore.js';

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

const sim = createPlatformSim({ rateLimits: false });
let simMs = 0;
const timedSimFetch = async (request: Request) => {
  const started = performance.now();
  const response = await sim.fetch(request);
  simMs += performance.now() - started;
  return response;
};
const store = await createPgliteStore();
const provisioner = await createAccountProvisioner({
  platform: {
    baseUrl: 'http://knewton.test',
    apiKey: sim.apiKey,
    apiSecret: sim.apiSecret,
    systemExternalUserId: sim.systemExternalUserId,
    fetch: timedSimFetch,
  },
  store,
  externalIds: { key: 'measure-key-0123456789abcdef0123456789' },
});
await provisioner.checkReadiness();

const added: number[] = [];
for (let i = 0; i < 500; i++) {
  simMs = 0;
  const started = performance.now();
  await provisioner.ensureAccount(`create-${i}`);
  added.push(performance.now() - started - simMs);
}
added.sort((a, b) => a - b);
console.log(
  `create path, added over the simulator: p50 ${percentile(added, 50).toFixed(3)} ms, p99 ${percentile(added, 99).toFixed(3)} ms`,
);

const warmStarted = performance.now();
let warmCalls = 0;
while (performance.now() - warmStarted < 1000) {
  await provisioner.ensureAccount(`create-${warmCalls % 500}`);
  warmCalls++;
}
console.log(
  `warm path (cache hit): ${Math.round(warmCalls / ((performance.now() - warmStarted) / 1000))} ensures/s`,
);

const cold = await createAccountProvisioner({
  platform: {
    baseUrl: 'http://knewton.test',
    apiKey: sim.apiKey,
    apiSecret: sim.apiSecret,
    systemExternalUserId: sim.systemExternalUserId,
    fetch: timedSimFetch,
  },
  store,
  externalIds: { key: 'measure-key-0123456789abcdef0123456789' },
  cacheSize: 0,
  closeStore: false,
});
const dbStarted = performance.now();
let dbCalls = 0;
while (performance.now() - dbStarted < 1000) {
  await cold.ensureAccount(`create-${dbCalls % 500}`);
  dbCalls++;
}
console.log(
  `warm path (cache off, one SELECT on PGlite): ${Math.round(dbCalls / ((performance.now() - dbStarted) / 1000))} ensures/s`,
);
await cold.close();
await provisioner.close();
