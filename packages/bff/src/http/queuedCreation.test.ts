import {
  parseAccountQueuedResponse,
  parseAccountResponse,
  parseErrorBody,
} from '@knewton-kit/contract';
import { describe, expect, vi } from 'vitest';
import { settleOnClock } from '../../test/support/driveClock.js';
import { createPlatformDoor } from '../../test/support/platformDoor.js';
import { provisioningTest as it } from '../../test/support/provisioningHarness.js';
import { serveAccountRoutes } from '../../test/support/serveAccountRoutes.js';

// The first store of a file loads the PGlite template: seconds on a busy machine.
vi.setConfig({ testTimeout: 30_000, hookTimeout: 60_000 });

/** One single create a minute and no batches: a user behind the first waits far beyond the hold. */
const oneCreateAMinute = {
  rateLimits: { accountCreatesPerMinute: 1, batchCallsPerMinute: 0 },
};

/** The route's hold (about 5 s) is on the provisioner's clock; this is past its end. */
const pastTheHoldMs = 5_000;

describe('PUT /account under the platform rate limits', () => {
  it('answers 202 queued with Retry-After at once when the line is too long, and 503 when it is full', async ({
    startHarness,
    clock,
  }) => {
    const h = await startHarness({
      clock,
      platform: oneCreateAMinute,
      provisioner: { maxQueuedCreations: 1 },
    });
    const request = await serveAccountRoutes(h.provisioner);
    expect((await request('early', 'PUT')).status).toBe(201);

    // The window's only create is spent: this user's create cannot start within the hold.
    const queued = await request('herd-1', 'PUT');
    expect(queued.status).toBe(202);
    expect(parseAccountQueuedResponse(await queued.json())).toEqual({ status: 'queued' });
    // About a minute: the next window.
    expect(Number(queued.headers.get('retry-after'))).toBe(60);

    // Still queued: GET never creates; a repeated PUT queues nothing new.
    expect((await request('herd-1')).status).toBe(404);
    expect((await request('herd-1', 'PUT')).status).toBe(202);

    // The line is full (one waiting): 503 with Retry-After, nothing stored for this user.
    const full = await request('herd-2', 'PUT');
    expect(full.status).toBe(503);
    expect(Number(full.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const error = parseErrorBody(await full.json());
    expect(error?.error).toMatchObject({ code: 'knewton_unavailable', retryable: true });
    expect(h.createCalls()).toBe(1);
    expect(await h.rows()).toBe(1);
  });

  it('a create still at a slow platform when the hold is over answers 202, finishes in the background, and the next GET returns it', async ({
    startHarness,
    clock,
  }) => {
    const door = createPlatformDoor('/v0/accounts');
    const h = await startHarness({ clock, wrapFetch: door.wrapFetch });
    const request = await serveAccountRoutes(h.provisioner);
    const put = request('slow-1', 'PUT');
    await door.arrived();
    await clock.advance(pastTheHoldMs);
    const queued = await put;
    expect(queued.status).toBe(202);
    expect(parseAccountQueuedResponse(await queued.json())).toEqual({ status: 'queued' });
    expect(Number(queued.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Answered while the create was still on its way: nothing stored yet.
    expect(await h.rows()).toBe(0);
    // A repeated PUT joins the create in progress.
    const repeated = request('slow-1', 'PUT');

    door.open();
    expect((await repeated).status).toBe(200);
    const ready = await request('slow-1');
    expect(ready.status).toBe(200);
    const account = parseAccountResponse(await ready.json());
    expect(account?.accountId).toMatch(/^[0-9a-f-]{36}$/);
    const again = await request('slow-1', 'PUT');
    expect(again.status).toBe(200);
    expect(parseAccountResponse(await again.json())).toEqual(account);
    // The background create was the only one.
    expect(door.arrivals()).toBe(1);
    expect(h.createCalls()).toBe(1);
    expect(h.sim.stats().accounts).toBe(1);
  });

  it('while the platform is failing creates, one still at the platform when the hold is over is answered 503, not 202', async ({
    startHarness,
    clock,
  }) => {
    const door = createPlatformDoor('/v0/accounts');
    const h = await startHarness({
      clock,
      platform: { maxRetries: 0 },
      wrapFetch: door.wrapFetch,
    });
    const request = await serveAccountRoutes(h.provisioner);
    // Nothing has failed yet: the first create held at the door looks slow, not down.
    const first = request('hang-1', 'PUT');
    await door.arrived(1);
    await clock.advance(pastTheHoldMs);
    expect((await first).status).toBe(202);
    // It fails (503): from now on a create held past the hold is an outage.
    const failed = h.provisioner.ensureAccount('hang-1').catch((error: unknown) => error);
    door.answerHeld(() => Response.json({ message: 'unavailable' }, { status: 503 }));
    expect(await failed).toMatchObject({ name: 'KnewtonUnavailableError' });
    await new Promise((resolve) => setImmediate(resolve));

    const second = request('hang-2', 'PUT');
    await door.arrived(2);
    await clock.advance(pastTheHoldMs);
    const refused = await second;
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(parseErrorBody(await refused.json())?.error.code).toBe('knewton_unavailable');
    expect(await h.rows()).toBe(0);

    // Back up: the held create lands, and the next ensure creates at once.
    door.open();
    await settleOnClock(clock, h.provisioner.ensureAccount('hang-2'));
    expect((await request('hang-3', 'PUT')).status).toBe(201);
  });

  it('answers users still queued with 503 and Retry-After at once when the BFF closes', async ({
    startHarness,
    clock,
  }) => {
    const h = await startHarness({ clock, platform: oneCreateAMinute });
    const request = await serveAccountRoutes(h.provisioner);
    expect((await request('early', 'PUT')).status).toBe(201);
    expect((await request('late', 'PUT')).status).toBe(202);
    const closing = h.provisioner.close();
    const during = await request('later', 'PUT');
    expect(during.status).toBe(503);
    expect(Number(during.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    await closing;
    // The queued user's create never started: no account on the platform, nothing half done.
    expect(h.sim.stats().accounts).toBe(1);
    expect(h.createCalls()).toBe(1);
  });
});
