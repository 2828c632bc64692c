import { CSRF_HEADER, CSRF_HEADER_VALUE } from '@knewton-kit/contract';
import {
  createPlatformSim,
  type PlatformSim,
  type PlatformSimOptions,
} from '@knewton-kit/platform-sim';
import { createKnewtonBff } from '../../src/createKnewtonBff.js';
import type { KnewtonBff, KnewtonBffOptions } from '../../src/KnewtonBffOptions.js';
import type { PlatformOptions } from '../../src/provisioning/AccountProvisionerOptions.js';
import { createCapturingLogger } from './createCapturingLogger.js';
import { recordIssuedTokens } from './recordIssuedTokens.js';
import { countRows, createTestStore, type StoreKind, type TestStore } from './testStores.js';

/** A distinctive 32+ byte HMAC key, easy to spot if it ever leaked. */
export const harnessPseudonymKey = 'bff-http-test-pseudonym-key-Q7vW2xYz9';
/** The test host's session cookie; its `authenticate` trusts it blindly (it stands in for real auth). */
export const testSessionCookie = 'test_session';
export const appOrigin = 'https://app.example.com';

export interface BffHarness {
  bff: KnewtonBff;
  sim: PlatformSim;
  testStore: TestStore;
  /** Every log line the BFF (and its provisioner) wrote. */
  logLines: string[];
  /** Every access and refresh token the simulator issued. */
  issuedTokens: Set<string>;
  /** Calls the simulator received on one route, e.g. `POST /v0/accounts`. */
  calls(route: string): number;
  /** Rows in the store. */
  rows(): Promise<number>;
  /**
   * Sends a request to the BFF's fetch handler. `user` signs it in; state-changing methods get the CSRF
   * header and the app's Origin unless `headers` overrides them.
   */
  request(path: string, init?: HarnessRequestInit): Promise<Response>;
  dispose(): Promise<void>;
}

export interface HarnessRequestInit extends RequestInit {
  /** Signs the request in as this app user. */
  user?: string;
  /** Add `X-CSRF: 1` and the app's Origin to state-changing requests. @default true */
  csrf?: boolean;
}

export interface BffHarnessOptions {
  store?: StoreKind;
  sim?: PlatformSimOptions;
  platform?: Partial<PlatformOptions>;
  bff?: Partial<Omit<KnewtonBffOptions, 'platform' | 'store' | 'externalIds' | 'provisioner'>>;
}

/** Generous: a PGlite template (initdb) on a loaded 2-core machine takes several seconds. */
export const harnessTimeoutMs = 60_000;

/** The real BFF over the real simulator (in-process fetch) and a fresh real store, its log captured. */
export async function createBffHarness(options: BffHarnessOptions = {}): Promise<BffHarness> {
  const sim = createPlatformSim(options.sim);
  // Its own store: closing the BFF closes the store it was given.
  const testStore = await createTestStore(options.store ?? 'pglite', { dedicated: true });
  const logLines: string[] = [];
  const issuedTokens = new Set<string>();
  const bff = await createKnewtonBff({
    authenticate: (request) => readCookie(request, testSessionCookie),
    platform: {
      baseUrl: 'http://knewton.test',
      apiKey: sim.apiKey,
      apiSecret: sim.apiSecret,
      systemExternalUserId: sim.systemExternalUserId,
      fetch: recordIssuedTokens((request) => sim.fetch(request), issuedTokens),
      retryBaseDelayMs: 5,
      ...options.platform,
    },
    store: testStore.store,
    externalIds: { key: harnessPseudonymKey },
    allowedOrigins: [appOrigin],
    logger: createCapturingLogger(logLines),
    ...options.bff,
  });
  return {
    bff,
    sim,
    testStore,
    logLines,
    issuedTokens,
    calls: (route) => sim.stats().calls[route] ?? 0,
    rows: () => countRows(testStore.store),
    request(path, { user, csrf = true, ...init } = {}) {
      const headers = new Headers(init.headers);
      const method = (init.method ?? 'GET').toUpperCase();
      if (csrf && !['GET', 'HEAD', 'OPTIONS'].includes(method)) {
        if (!headers.has(CSRF_HEADER)) headers.set(CSRF_HEADER, CSRF_HEADER_VALUE);
        if (!headers.has('Origin')) headers.set('Origin', appOrigin);
      }
      if (user !== undefined)
        headers.append('Cookie', `${testSessionCookie}=${encodeURIComponent(user)}`);
      // `bff.fetch` may answer synchronously (the warm path); the harness always gives a promise.
      return Promise.resolve(
        bff.fetch(new Request(new URL(path, 'http://bff.test'), { ...init, headers })),
      );
    },
    async dispose() {
      await bff.close();
      await testStore.dispose();
    },
  };
}

function readCookie(request: Request, name: string): string | undefined {
  for (const pair of (request.headers.get('Cookie') ?? '').split(';')) {
    const [key, ...rest] = pair.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}
