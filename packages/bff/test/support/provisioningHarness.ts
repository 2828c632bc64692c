import {
  createPlatformSim,
  type PlatformSim,
  type PlatformSimOptions,
} from '@knewton-kit/platform-sim';
import type {
  AccountProvisionerOptions,
  PlatformOptions,
} from '../../src/provisioning/AccountProvisionerOptions.js';
import { createAccountProvisioner } from '../../src/provisioning/createAccountProvisioner.js';
import type { AccountProvisioner } from '../../src/provisioning/types.js';
import { createCapturingLogger } from './createCapturingLogger.js';
import { countRows, createTestStore, type StoreKind, type TestStore } from './testStores.js';

/** A test HMAC key; 32+ bytes like a real one, and distinctive so a leak into logs is easy to spot. */
export const testPseudonymKey = 'test-pseudonym-key-0123456789abcdef-XYZ';

export interface ProvisioningHarness {
  sim: PlatformSim;
  testStore: TestStore;
  provisioner: AccountProvisioner;
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
  /** Another provisioner over the same store and simulator (an empty in-memory cache, as in a second process). */
  secondProvisioner(): Promise<AccountProvisioner>;
  dispose(): Promise<void>;
}

export interface HarnessOptions {
  sim?: PlatformSimOptions;
  platform?: Partial<PlatformOptions>;
  /** Provisioner options beyond the platform's, e.g. `maxQueuedCreations`. */
  provisioner?: Pick<AccountProvisionerOptions, 'maxQueuedCreations' | 'maxConcurrentCreations'>;
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
  const observingFetch = async (
    input: RequestInfo | URL,
    init?: RequestInit,
  ): Promise<Response> => {
    const request = new Request(input, init);
    const label = request.headers.get('request-label');
    if (label !== null) requestLabels.push(label);
    const response = await (options.wrapFetch ? options.wrapFetch(sim.fetch) : sim.fetch)(request);
    if (new URL(request.url).pathname === '/v0/oauth/token' && response.ok) {
      const body = (await response.clone().json()) as {
        access_token?: string;
        refresh_token?: string;
      };
      if (body.access_token) issuedTokens.add(body.access_token);
      if (body.refresh_token) issuedTokens.add(body.refresh_token);
    }
    return response;
  };
  const platform: PlatformOptions = {
    baseUrl: 'http://knewton.test',
    apiKey: sim.apiKey,
    apiSecret: sim.apiSecret,
    systemExternalUserId: sim.systemExternalUserId,
    fetch: observingFetch,
    retryBaseDelayMs: 10,
    ...options.platform,
  };
  const logger = createCapturingLogger(logLines);
  const externalIds = options.externalIds ?? { key: testPseudonymKey };
  const extra: AccountProvisioner[] = [];
  const provisioner = await createAccountProvisioner({
    platform,
    store: testStore.store,
    externalIds,
    logger,
    closeStore: false,
    ...options.provisioner,
  });
  const calls = (route: string) => sim.stats().calls[route] ?? 0;
  return {
    sim,
    testStore,
    provisioner,
    logLines,
    issuedTokens,
    requestLabels,
    createCalls: () => calls('POST /v0/accounts'),
    batchCalls: () => calls('POST /v0/batch'),
    tokenCalls: () => calls('POST /v0/oauth/token'),
    rows: () => countRows(testStore.store),
    async secondProvisioner() {
      const second = await createAccountProvisioner({
        platform,
        store: testStore.store,
        externalIds,
        logger,
        closeStore: false,
      });
      extra.push(second);
      return second;
    },
    async dispose() {
      sim.setFaults({});
      await Promise.all([provisioner, ...extra].map((p) => p.close()));
      await testStore.dispose();
    },
  };
}
