/** Mutual exclusion per key inside one process: holders of one key run one after another, in arrival order. */
export class KeyedMutex {
  readonly #tails = new Map<string, Promise<void>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.#tails.set(key, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      // The last holder leaves no entry behind, so the map does not grow with every user ever seen.
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }

  /**
   * Takes the key's lock only if nobody holds or awaits it; returns its release, or `undefined`.
   * For batches, which must never wait for one user while holding others.
   */
  tryAcquire(key: string): (() => void) | undefined {
    if (this.#tails.has(key)) return undefined;
    let release!: () => void;
    const tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.#tails.set(key, tail);
    return () => {
      release();
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    };
  }
}
