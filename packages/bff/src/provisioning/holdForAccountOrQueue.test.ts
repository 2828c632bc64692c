import { describe, expect, it } from 'vitest';
import { createTestClock } from '../../test/support/createTestClock.js';
import { KnewtonUnavailableError } from '../errors.js';
import type { CreationResult, SubmittedCreation } from './CreationJob.js';
import { holdForAccountOrQueue } from './holdForAccountOrQueue.js';

const account: CreationResult = {
  account: { accountId: 'acc-1', createdAt: new Date(0) },
  outcome: 'created',
};

/** One ensure held for 4,500 ms on a fake clock, with its provisioning driven by the test. */
function hold(line: { expectedWaitMs?: number; platformFailing?: boolean } = {}) {
  const clock = createTestClock();
  let finish!: (result: CreationResult) => void;
  let fail!: (error: unknown) => void;
  let enterLine!: (creation: SubmittedCreation) => void;
  const done = new Promise<CreationResult>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const queued = new Promise<SubmittedCreation>((resolve) => {
    enterLine = resolve;
  });
  let answer: Awaited<ReturnType<typeof holdForAccountOrQueue>> | 'pending' | Error = 'pending';
  holdForAccountOrQueue({
    provisioning: { done, queued },
    holdMs: 4_500,
    arrivedAt: clock.now(),
    line: {
      expectedWaitMs: () => line.expectedWaitMs ?? 0,
      platformFailing: line.platformFailing ?? false,
    },
    clock,
  }).then(
    (value) => {
      answer = value;
    },
    (error: Error) => {
      answer = error;
    },
  );
  /** A user in line whose create starts `startsInMs` from now, or was sent (`'sent'`). */
  const inLine = (startsInMs: number | 'sent') =>
    enterLine({
      done,
      expectedStartMs: () => (startsInMs === 'sent' ? 0 : startsInMs),
      sent: () => startsInMs === 'sent',
    });
  return { clock, finish, fail, inLine, answer: () => answer };
}

describe('holdForAccountOrQueue (the 202 decision)', () => {
  it('answers the account that comes a moment before the hold is over', async () => {
    const h = hold();
    h.inLine('sent');
    await h.clock.advance(4_499);
    expect(h.answer()).toBe('pending');
    h.finish(account);
    await h.clock.advance(0);
    expect(h.answer()).toEqual(account);
    expect(h.clock.pending()).toBe(0);
  });

  it('answers queued at once when the line says the create cannot start within the hold', async () => {
    const h = hold();
    h.inLine(4_501);
    await h.clock.advance(0);
    expect(h.answer()).toMatchObject({ outcome: 'queued', retryAfterSeconds: 5 });
    expect(h.clock.pending()).toBe(0);
  });

  it('holds a create expected to start just within the hold, and answers queued when it is over', async () => {
    const h = hold();
    h.inLine(4_500);
    await h.clock.advance(4_499);
    expect(h.answer()).toBe('pending');
    await h.clock.advance(1);
    expect(h.answer()).toMatchObject({ outcome: 'queued', retryAfterSeconds: 5 });
  });

  it('answers queued for a user not yet in line (a slow store lookup), as long as a newcomer waits', async () => {
    const h = hold({ expectedWaitMs: 12_300 });
    await h.clock.advance(4_500);
    expect(h.answer()).toMatchObject({ outcome: 'queued', retryAfterSeconds: 13 });
  });

  it('throws 503 for a create still at a failing platform when the hold is over', async () => {
    const failing = hold({ platformFailing: true });
    failing.inLine('sent');
    await failing.clock.advance(4_499);
    expect(failing.answer()).toBe('pending');
    await failing.clock.advance(1);
    expect(failing.answer()).toBeInstanceOf(KnewtonUnavailableError);
    expect((failing.answer() as KnewtonUnavailableError).retryAfterSeconds).toBe(5);
    // Still in line while the platform fails: that is the rate limit, not the outage.
    const waiting = hold({ platformFailing: true });
    waiting.inLine(100);
    await waiting.clock.advance(4_500);
    expect(waiting.answer()).toMatchObject({ outcome: 'queued' });
    // At a slow platform that is not failing: queued.
    const slow = hold();
    slow.inLine('sent');
    await slow.clock.advance(4_500);
    expect(slow.answer()).toMatchObject({ outcome: 'queued' });
  });

  it('passes on the failure of the create within the hold', async () => {
    const h = hold();
    h.inLine('sent');
    const refused = new Error('refused');
    h.fail(refused);
    await h.clock.advance(0);
    expect(h.answer()).toBe(refused);
  });
});
