import {
  createPlatformSim,
  type PlatformSim,
  type PlatformSimOptions,
} from '@knewton-kit/platform-sim';
import { test } from 'vitest';
import { type Clock, systemClock } from '../../src/clock.js';
import type {
  AccountProvisionerOptions,
  PlatformOptions,
} from '../../src/provisioning/AccountProvisionerOptions.js';
import { createAccountProvisioner } from '../../src/provisioning/createAccountProvisioner.js';
import type { AccountProvisioner } from '../../src/provisioning/types.js';
import type { AccountStore } from '../../src/store/AccountStore.js';
import { createCapturingLogger } from './createCapturingLogger.js';
import { createTestClock, type TestClock } from './createTestClock.js';
import { settleOnClock } from './driveClock.js';
import { recordIssuedTokens } from './recordIssuedTokens.js';
import { countRows, createTestStore, type StoreKind, type TestStore } from './testStores.js';

/** A test HMAC key; 32+ bytes like a real one, and distinctive so a leak into logs is easy to spot. */
export const testPseudonymKey = 'test-pseudonym-key-0123456789abcdef-XYZ';

export interface ProvisioningHarness {
  sim: PlatformSim;
  testStore: TestStore;
  provisioner: AccountProvisioner;
  /** The platform options the provisioners use (the simulator's credentials and fetch), e.g. for learning calls. */
  platform: PlatformOptions;
  /** Every log line written so far. */
  logLines: string[];
  /** Every access and refresh token the simulator handed out, to check that none reached a log line. */
  issuedTokens: Set<string>;
  /** `request-label` headers the platform received. */
  requestLabels: string[];
  /** `POST /v0/accounts` calls the simulator received. */
  createCalls(): number;
  /** `POST /v0/batch` calls the simulator received. */
  batchCalls(): number;
  tokenCalls(): number;
  rows(): Promise<number>;
  /** Store lookups of one user (`findByAppUserId`, `findUser`) answered so far: an ensure's step before the line. */
  lookups(): number;
  /** Another provisioner over the same store and simulator (an empty in-memory cache, as in a second process). */
  secondProvisioner(options?: HarnessOptions['provisioner']): Promise<AccountProvisioner>;
  dispose(): Promise<void>;
}

export interface HarnessOptions {
  sim?: PlatformSimOptions;
  platform?: Partial<PlatformOptions>;
  /** Provisioner options beyond the platform's, e.g. `maxQueuedCreations`. */
  provisioner?: Partial<
    Pick<
      AccountProvisionerOptions,
      'maxQueuedCreations' | 'maxConcurrentCreations' | 'optOutWatchMs' | 'externalIds'
    >
  >;
  /** The provisioners' clock (holds, the line's wake-ups). @default the system clock */
  clock?: Clock;
  /** Wraps the simulator's fetch, e.g. to answer `/v0/batch` like a platform without it. */
  wrapFetch?: (
    next: (request: Request) => Promise<Response>,
  ) => (request: Request) => Promise<Response>;
  externalIds?: AccountProvisionerOptions['externalIds'];
  /** A store of its own, e.g. to close it under the provisioner. */
  dedicatedStore?: boolean;
}

/** A provisioner over the real simulator (in-process fetch) and a fresh real store, with its log captured. */
export async function createProvisioningHarness(
  kind: StoreKind,
  options: HarnessOptions = {},
): Promise<ProvisioningHarness> {
  const sim = createPlatformSim(options.sim);
  const testStore = await createTestStore(kind, { dedicated: options.dedicatedStore ?? false });
  const logLines: string[] = [];
  const issuedTokens = new Set<string>();
  const requestLabels: string[] = [];
  const recordingFetch = recordIssuedTokens(
    options.wrapFetch ? options.wrapFetch(sim.fetch) : sim.fetch,
    issuedTokens,
  );
  const observingFetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const label = request.headers.get('request-label');
    if (label !== null) requestLabels.push(label);
    return recordingFetch(request);
  };
  const platform: PlatformOptions = {
    baseUrl: 'http://knewton.test',
    apiKey: sim.apiKey,
    apiSecret: sim.apiSecret,
    systemExternalUserId: sim.systemExternalUserId,
    fetch: observingFetch,
    retryBaseDelayMs: 10,
    // The platform layer keeps real time even when the provisioner's clock is fake: the tests here hold
    // calls at the platform's door; the platform layer has fake-clock tests of its own in platform/.
    clock: systemClock,
    ...options.platform,
  };
  const logger = createCapturingLogger(logLines);
  const externalIds = options.externalIds ?? { key: testPseudonymKey };
  const extra: AccountProvisioner[] = [];
  let lookups = 0;
  const store = countLookups(testStore.store, () => lookups++);
  const clock = options.clock === undefined ? {} : { clock: options.clock };
  const provisioner = await createAccountProvisioner({
    platform,
    store,
    externalIds,
    logger,
    closeStore: false,
    ...clock,
    ...options.provisioner,
  });
  const calls = (route: string) => sim.stats().calls[route] ?? 0;
  return {
    sim,
    testStore,
    provisioner,
    platform,
    logLines,
    issuedTokens,
    requestLabels,
    createCalls: () => calls('POST /v0/accounts'),
    batchCalls: () => calls('POST /v0/batch'),
    tokenCalls: () => calls('POST /v0/oauth/token'),
    rows: () => countRows(testStore.store),
    lookups: () => lookups,
    async secondProvisioner(secondOptions) {
      const second = await createAccountProvisioner({
        platform,
        store: testStore.store,
        externalIds,
        logger,
        closeStore: false,
        ...clock,
        ...secondOptions,
      });
      extra.push(second);
      return second;
    },
    async dispose() {
      sim.setFaults({});
      const closing = Promise.all([provisioner, ...extra].map((p) => p.close()));
      // On a fake clock, close's grace period passes only when the clock is moved.
      const fake = options.clock as Partial<TestClock> | undefined;
      if (fake?.advance) await settleOnClock(fake as TestClock, closing);
      else await closing;
      await testStore.dispose();
    },
  };
}

/** The same store, counting answered `findByAppUserId` calls. */
function countLookups(store: AccountStore, counted: () => void): AccountStore {
  return new Proxy(store, {
    get(target, key) {
      const value = Reflect.get(target, key, target);
      if (key === 'findByAppUserId') {
        return async (...args: Parameters<AccountStore['findByAppUserId']>) => {
          const row = await target.findByAppUserId(...args);
          counted();
          return row;
        };
      }
      // The same first look, with the user's opt-out.
      if (key === 'findUser') {
        return async (...args: Parameters<AccountStore['findUser']>) => {
          const found = await target.findUser(...args);
          counted();
          return found;
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

export interface ProvisioningFixtures {
  /** The store kind of the suite; set it with `provisioningTest.override({ storeKind })`. */
  storeKind: StoreKind;
  /** A fake clock for this test, to give the harness (`{ clock }`) where the provisioner's waiting is tested. */
  clock: TestClock;
  /** Starts a harness on `storeKind` for this test; it is disposed after the test. */
  startHarness(options?: HarnessOptions): Promise<ProvisioningHarness>;
}

/** `it` with a provisioning harness per test. */
export const provisioningTest = test.extend<ProvisioningFixtures>({
  storeKind: 'pglite',
  // biome-ignore lint/correctness/noEmptyPattern: Vitest reads a fixture's dependencies from this pattern.
  clock: async ({}, use) => {
    await use(createTestClock());
  },
  startHarness: async ({ storeKind }, use) => {
    const started: ProvisioningHarness[] = [];
    await use(async (options) => {
      const harness = await createProvisioningHarness(storeKind, options);
      started.push(harness);
      return harness;
    });
    await Promise.all(started.map((harness) => harness.dispose()));
  },
});
