import pLimit, { type LimitFunction } from 'p-limit';

/**
 * Admits at most `capacity` holders at once; the rest wait in arrival order. A thin class over p-limit
 * (FIFO, a slot handed straight to the next waiter).
 */
export class Semaphore {
  readonly #limit: LimitFunction;

  constructor(capacity: number) {
    this.#limit = pLimit(capacity);
  }

  run<T>(work: () => Promise<T>): Promise<T> {
    return this.#limit(work);
  }
}
