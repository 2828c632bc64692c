import { describe, expect, it } from 'vitest';
import { Semaphore } from './semaphore.js';

describe('Semaphore', () => {
  it('runs at most `capacity` holders at once, the rest in arrival order, and passes results and errors on', async () => {
    const semaphore = new Semaphore(2);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const releases: Array<() => void> = [];
    const holders = [0, 1, 2, 3].map((index) =>
      semaphore.run(async () => {
        started.push(index);
        running++;
        most = Math.max(most, running);
        await new Promise<void>((resolve) => releases.push(resolve));
        running--;
        if (index === 3) throw new Error('fourth failed');
        return index;
      }),
    );
    const settled = Promise.allSettled(holders);
    const tick = () => new Promise((resolve) => setImmediate(resolve));
    await tick();
    expect(started).toEqual([0, 1]);
    // Release the holders one at a time, oldest first; each release admits the next waiter.
    for (let released = 0; released < 4; released++) {
      releases.shift()?.();
      await tick();
    }
    const results = await settled;
    expect(started).toEqual([0, 1, 2, 3]);
    expect(most).toBe(2);
    expect(
      results.slice(0, 3).map((result) => result.status === 'fulfilled' && result.value),
    ).toEqual([0, 1, 2]);
    expect(results[3]).toMatchObject({ status: 'rejected', reason: { message: 'fourth failed' } });
  });
});
