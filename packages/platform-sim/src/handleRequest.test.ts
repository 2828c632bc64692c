import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BASE_URL, simHarness } from '../test/support/simHarness.js';
import { createPlatformSim } from './createPlatformSim.js';

describe('request handling', () => {
  it('answers unknown paths with 404 and wrong methods with 405 (JSON, with Allow)', async () => {
    const { call, adminToken } = simHarness();
    const token = await adminToken();
    for (const path of [
      '/',
      '/v0',
      '/v0/accounts/',
      '/v1/accounts',
      '/v0/accounts/a/b/c',
      '/__sim/nope',
    ]) {
      const answer = await call('GET', path, { token });
      expect(answer.status, path).toBe(404);
      expect(answer.body.message).toEqual(expect.any(String));
    }
    const wrong = await call('PUT', '/v0/accounts', { token, json: {} });
    expect(wrong.status).toBe(405);
    expect(wrong.body.message).toEqual(expect.any(String));
    expect(wrong.headers.get('allow')).toBe('POST');
    expect((await call('GET', '/v0/oauth/token')).status).toBe(405);
    expect((await call('PATCH', '/v0/accounts/some-id', { token })).headers.get('allow')).toBe(
      'GET, DELETE',
    );
    expect((await call('DELETE', '/__sim/stats')).status).toBe(405);
  });

  it('answers 413 for an oversized body', async () => {
    const { call, adminToken } = simHarness();
    const answer = await call('POST', '/v0/accounts', {
      token: await adminToken(),
      body: `{"external_user_id":"${'x'.repeat(1_100_000)}"}`,
      headers: { 'content-type': 'application/json' },
    });
    expect(answer.status).toBe(413);
  });

  it('never crashes: any method, path, headers and body get a JSON answer with a known status', async () => {
    const sim = createPlatformSim({ rateLimits: false });
    const basic = `Basic ${Buffer.from(`${sim.apiKey}:${sim.apiSecret}`).toString('base64')}`;
    const tokenAnswer = await sim.fetch(
      new Request(`${BASE_URL}/v0/oauth/token`, {
        method: 'POST',
        headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
        body: `grant_type=client_credentials&scope=${sim.systemExternalUserId}`,
      }),
    );
    const { access_token: token } = (await tokenAnswer.json()) as { access_token: string };
    const paths = [
      '/v0/oauth/token',
      '/v0/accounts',
      '/v0/accounts/current',
      '/v0/accounts/{id}',
      '/v0/batch',
      '/v0/learning-instances',
      '/v0/learning-instances/{id}',
      '/v0/learning-instances/{id}/registrations',
      '/v0/registrations',
      '/v0/registrations/{id}',
      '/v0/registrations/{id}/ungraded-events',
      '/v0/registrations/{id}/graded-events',
      '/v0/registrations/{id}/recommendation-followed-events',
      '/v0/registrations/{id}/batch-events',
      '/v0/registrations/{id}/recommendation',
      // Not /__sim/faults: a fuzzed `{"hang": true}` would (correctly) stall the run.
      '/__sim/stats',
    ];
    const known = new Set([200, 201, 204, 207, 400, 401, 403, 404, 405, 413, 422, 429]);
    const jsonValue = fc.jsonValue({ maxDepth: 3 });
    const body = fc.oneof(
      fc.string(),
      jsonValue.map((value) => JSON.stringify(value)),
      fc
        .record({ requests: fc.array(jsonValue, { maxLength: 60 }) })
        .map((value) => JSON.stringify(value)),
      fc
        .record({ external_user_id: fc.oneof(fc.string(), jsonValue), events: fc.array(jsonValue) })
        .map((value) => JSON.stringify(value)),
      fc.dictionary(fc.string(), fc.string()).map((value) => new URLSearchParams(value).toString()),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
        fc.constantFrom(...paths),
        fc.string({ maxLength: 12 }),
        fc.option(body, { nil: undefined }),
        fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'text/plain', ''),
        fc.constantFrom(`Bearer ${token}`, basic, 'Bearer nope', '', 'Basic ***'),
        fc.string({ maxLength: 20 }),
        async (method, template, id, requestBody, contentType, authorization, query) => {
          const path = template.replace('{id}', encodeURIComponent(id) || 'x');
          const headers: Record<string, string> = {};
          if (contentType) headers['content-type'] = contentType;
          if (authorization) headers.authorization = authorization;
          const withBody = method !== 'GET' && requestBody !== undefined;
          const response = await sim.fetch(
            new Request(`${BASE_URL}${path}?${encodeURIComponent(query)}`, {
              method,
              headers,
              body: withBody ? requestBody : undefined,
            }),
          );
          expect(known.has(response.status), `${method} ${path} → ${response.status}`).toBe(true);
          const text = await response.text();
          if (response.status === 204) expect(text).toBe('');
          else expect(() => JSON.parse(text)).not.toThrow();
          if (response.status >= 400) expect(typeof JSON.parse(text).message).toBe('string');
        },
      ),
      { numRuns: 400 },
    );
    const after = await sim.fetch(
      new Request(`${BASE_URL}/v0/accounts/current`, {
        headers: { authorization: `Bearer ${token}` },
      }),
    );
    expect(after.status).toBe(200);
  });
});
