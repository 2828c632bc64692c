import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { parseErrorBody } from '@knewton-kit/contract';
import fc from 'fast-check';
import { AnswerLedger } from '../AnswerLedger.js';
import { ensureAccount } from '../bffClient.js';
import { allowedOrigin, bffEnvironment } from '../bffEnvironment.js';
import type { ChaosProfile } from '../chaosProfile.js';
import { answersRecord, openHarness } from '../openHarness.js';
import type { ScenarioResult } from '../ScenarioResult.js';

interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
}

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(baseUrl: string, raw: RawRequest): Promise<RawAnswer> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: raw.method,
        path: raw.path,
        // Node sends no length for a GET/DELETE body unless told, which would frame it as a second request.
        headers: raw.body
          ? { ...raw.headers, 'content-length': String(raw.body.length) }
          : raw.headers,
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(raw.body);
  });
}

const routes = [
  '/api/knewton/account',
  '/api/knewton/account/',
  '/api/knewton/healthz',
  '/api/knewton/readyz',
  '/api/knewton',
  '/api/session',
  '/api/dev/platform-faults',
  '/api/dev/platform-stats',
  '/api/knewton/account?userId=someone-else',
  '/api/knewton/accounts/someone-else',
  '/',
];

/**
 * Bad input: fast-check sends random methods, paths, headers, cookies (missing, garbage, tampered and
 * expired session cookies) and bodies (JSON of every shape, binary, oversized) to every route. No answer
 * may be a 5xx, every error must be in the contract's JSON shape, the process must survive, and nothing may
 * be written: the platform must see no account request at all. The only valid sessions in play belong to
 * users who already have an account, so even a well-formed ensure can only read.
 */
export async function runBadInput(profile: ChaosProfile): Promise<ScenarioResult> {
  const { runs } = profile.badInput;
  const harness = await openHarness();
  const failures: string[] = [];
  try {
    const dataDir = await harness.tempDir();
    const bff = await harness.spawn(
      bffEnvironment(harness.sim, harness.secrets, { dataDir }),
      'bad-input',
    );
    const known = ['fuzz-a', 'fuzz-b', 'fuzz-c'];
    const cookies = await harness.signInAll(bff.url, known);
    for (const userId of known) await ensureAccount(bff.url, cookies.get(userId) as string);
    const createsBefore = harness.sim.sim.stats().calls['POST /v0/accounts'] ?? 0;
    const accountsBefore = harness.sim.sim.stats().accounts;

    const sign = (payload: string) =>
      createHmac('sha256', harness.secrets.sessionSecret)
        .update(`demo-session.v1.${payload}`)
        .digest('base64url');
    const validCookie = fc.constantFrom(...cookies.values());
    const cookieValue = fc.oneof(
      validCookie,
      validCookie.chain((cookie) =>
        fc.nat({ max: cookie.length - 1 }).map((i) => {
          // One character changed anywhere: the user part, the expiry or the signature.
          const flipped = cookie[i] === 'A' ? 'B' : 'A';
          return cookie.slice(0, i) + flipped + cookie.slice(i + 1);
        }),
      ),
      fc.constantFrom(...known).map((userId) => {
        // Correctly signed but expired.
        const payload = `${Buffer.from(userId).toString('base64url')}.${Math.floor(Date.now() / 1000) - 60}`;
        return `knewton_demo_session=${payload}.${sign(payload)}`;
      }),
      fc
        .string({ maxLength: 200 })
        .map((junk) => `knewton_demo_session=${encodeURIComponent(junk)}`),
      fc.string({ maxLength: 100 }).map((junk) => junk.replace(/[^\x20-\x7e]/g, '')),
      fc.constant('knewton_demo_session='),
      fc.constant(
        `knewton_demo_session=${Buffer.from('fuzz-new-user').toString('base64url')}.9999999999.forged`,
      ),
    );
    const printable = fc.string({ maxLength: 64 }).map((text) => text.replace(/[^\x20-\x7e]/g, ''));
    const headers = fc.record(
      {
        cookie: cookieValue,
        'x-csrf': fc.oneof(fc.constant('1'), fc.constant('0'), printable),
        origin: fc.oneof(
          fc.constant(allowedOrigin),
          fc.constant('https://evil.example'),
          fc.constant('null'),
          printable,
        ),
        'content-type': fc.oneof(
          fc.constant('application/json'),
          fc.constant('application/json; charset=utf-8'),
          fc.constant('text/plain'),
          fc.constant('application/x-www-form-urlencoded'),
          fc.constant('multipart/form-data; boundary=x'),
          printable,
        ),
        'x-request-id': printable,
        'x-user-id': fc.constantFrom('fuzz-new-user', 'admin'),
        accept: printable,
      },
      { requiredKeys: [] },
    );
    const body = fc.oneof(
      fc.constant(undefined),
      fc.json().map((json) => Buffer.from(json)),
      fc
        .jsonValue()
        .map((value) => Buffer.from(JSON.stringify({ userId: 'fuzz-new-user', value }))),
      fc.constant(Buffer.from('{"userId":"fuzz-new-user"}')),
      fc.string({ maxLength: 300 }).map((text) => Buffer.from(text)),
      fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
      fc.constant(Buffer.alloc(40_000, 0x7b)),
    );
    const path = fc.oneof(
      { arbitrary: fc.constantFrom(...routes), weight: 4 },
      fc
        .tuple(fc.constantFrom(...routes), printable)
        .map(([route, suffix]) => route + encodeURIComponent(suffix)),
      fc
        .array(
          fc.constantFrom(
            'api',
            'knewton',
            'account',
            'session',
            '..',
            '.',
            '%2e%2e',
            '',
            'A%00',
            '%ff',
          ),
          { maxLength: 6 },
        )
        .map((parts) => `/${parts.join('/')}`),
    );
    const method = fc.constantFrom(
      'GET',
      'HEAD',
      'PUT',
      'POST',
      'DELETE',
      'PATCH',
      'OPTIONS',
      'TRACE',
      'PROPFIND',
      'PURGE',
    );
    const rawRequest = fc.record({ method, path, headers, body });

    const ledger = new AnswerLedger();
    const secrets = [
      harness.sim.sim.apiSecret,
      harness.secrets.pseudonymKey,
      harness.secrets.sessionSecret,
    ];
    const started = Date.now();
    await fc
      .assert(
        fc.asyncProperty(rawRequest, async (raw) => {
          const answer = await send(bff.url, raw);
          const error = answer.body === '' ? undefined : parseErrorBody(safeJson(answer.body));
          const key =
            raw.method === 'HEAD'
              ? `${answer.status} (HEAD, no body)`
              : answer.status >= 400
                ? `${answer.status} ${error?.error.code ?? 'no JSON error'}`
                : String(answer.status);
          ledger.record({ userId: 'fuzz', key, source: `${raw.method} ${raw.path}` });
          const problem =
            answer.status >= 500
              ? `answered ${answer.status}`
              : answer.status >= 400 && raw.method !== 'HEAD' && error === undefined
                ? `answered ${answer.status} without the JSON error shape: ${answer.body.slice(0, 200)}`
                : secrets.some(
                      (secret) =>
                        answer.body.includes(secret) ||
                        JSON.stringify(answer.headers).includes(secret),
                    )
                  ? 'leaked a secret'
                  : !bff.alive
                    ? 'the BFF process died'
                    : undefined;
          if (problem) throw new Error(`${raw.method} ${raw.path}: ${problem}`);
        }),
        { numRuns: runs, seed: 6, endOnFailure: true },
      )
      .catch((error: unknown) => {
        failures.push(
          `fuzzing found a failure: ${(error as Error).message.split('\n').slice(0, 6).join(' ')}`,
        );
      });
    const durationMs = Date.now() - started;

    const health = await fetch(`${bff.url}/api/knewton/healthz`).catch(() => undefined);
    if (health?.status !== 200) failures.push('the BFF is not healthy after the fuzzing');
    const stats = harness.sim.sim.stats();
    const createsAfter = stats.calls['POST /v0/accounts'] ?? 0;
    if (createsAfter !== createsBefore)
      failures.push(`${createsAfter - createsBefore} account creates reached the platform`);
    if (stats.accounts !== accountsBefore)
      failures.push(`${stats.accounts - accountsBefore} platform accounts were written`);
    failures.push(...harness.bffErrorFailures());
    // The known users' accounts are untouched: same ids as before the fuzzing.
    const verify = new AnswerLedger();
    for (const userId of known) {
      const answer = await ensureAccount(bff.url, cookies.get(userId) as string, { method: 'GET' });
      verify.record({ userId, key: answer.key, accountId: answer.accountId });
    }
    return {
      id: 'bad-input',
      title: 'Bad input (fast-check fuzzing)',
      store: 'PGlite',
      processes: 1,
      users: known.length,
      requests: ledger.total,
      concurrency: 1,
      durationMs,
      answers: answersRecord(ledger),
      faults: [
        `${ledger.total} random requests (methods, paths, headers, cookies, bodies), fast-check seed 6`,
      ],
      platform: harness.platformSummary(),
      figures: [
        `platform accounts ${accountsBefore} → ${stats.accounts}; account creates ${createsBefore} → ${createsAfter}`,
      ],
      // The known users must still read back their one account: same ids, on the platform, nothing else.
      anomalies: harness.verdict(verify, known),
      failures,
    };
  } finally {
    await harness.close();
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
