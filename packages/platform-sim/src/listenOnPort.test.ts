import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPlatformSim } from './createPlatformSim.js';
import type { ListeningSim } from './listenOnPort.js';

const servers: ListeningSim[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function listening(sim = createPlatformSim()) {
  const server = await sim.listen({ port: 0 });
  servers.push(server);
  const basic = `Basic ${Buffer.from(`${sim.apiKey}:${sim.apiSecret}`).toString('base64')}`;
  const tokenAnswer = await fetch(`${server.url}/v0/oauth/token`, {
    method: 'POST',
    headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
    body: `grant_type=client_credentials&scope=${encodeURIComponent(sim.systemExternalUserId)}`,
  });
  const { access_token: token } = (await tokenAnswer.json()) as { access_token: string };
  return { sim, server, token };
}

describe('listen', () => {
  it('serves the API over HTTP on a random port', async () => {
    const { server, token } = await listening();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.port).toBeGreaterThan(0);
    const created = await fetch(`${server.url}/v0/accounts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ external_user_id: 'over-http' }),
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('content-type')).toBe('application/json;charset=UTF-8');
    expect(await created.json()).toMatchObject({ external_user_id: 'over-http' });
  });

  it('dropAfterCreate commits the account and destroys the connection unanswered', async () => {
    const { sim, server, token } = await listening();
    sim.setFaults({ dropAfterCreate: true });
    const attempt = fetch(`${server.url}/v0/accounts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ external_user_id: 'dropped' }),
    });
    await expect(attempt).rejects.toThrow('fetch failed');
    expect(sim.accounts().accounts.map((account) => account.externalUserId)).toEqual(['dropped']);
    // Other requests on the same server keep working.
    const current = await fetch(`${server.url}/v0/accounts/current`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(current.status).toBe(200);
  });

  it('hang holds the request until the client aborts, and close() does not wait for it', async () => {
    const { sim, server, token } = await listening();
    sim.setFaults({ hang: true });
    const aborted = fetch(`${server.url}/v0/accounts/current`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(100),
    });
    await expect(aborted).rejects.toMatchObject({ name: 'TimeoutError' });

    const stuck = fetch(`${server.url}/v0/accounts/current`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const outcome = stuck.then(
      () => 'answered',
      () => 'connection closed',
    );
    await expect(fetch(`${server.url}/__sim/stats`).then((answer) => answer.status)).resolves.toBe(
      200,
    );
    await server.close();
    expect(await outcome).toBe('connection closed');
  });

  it('answers a hanging request once the faults are cleared over HTTP', async () => {
    const { sim, server, token } = await listening();
    await fetch(`${server.url}/__sim/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ hang: true }),
    });
    let settled = false;
    const pending = fetch(`${server.url}/v0/accounts/current`, {
      headers: { authorization: `Bearer ${token}` },
    }).finally(() => {
      settled = true;
    });
    await vi.waitFor(() => expect(sim.stats().calls['GET /v0/accounts/current']).toBe(1));
    expect(settled).toBe(false);
    const cleared = await fetch(`${server.url}/__sim/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(cleared.status).toBe(200);
    expect((await pending).status).toBe(200);
  });

  it('validates its options', async () => {
    const sim = createPlatformSim();
    await expect(sim.listen({ port: -1 })).rejects.toThrow(/`port`/);
    await expect(sim.listen({ hostname: '' })).rejects.toThrow(/`hostname`/);
  });
});
