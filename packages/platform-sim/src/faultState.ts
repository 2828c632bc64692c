import type { SimFaults } from './simFaults.js';

/**
 * The active faults, plus what it takes to apply them without leaking: hanging requests wait on a
 * promise released when the faults change or the request is aborted; latency timers are cleared on abort.
 */
export class FaultState {
  #faults: SimFaults = {};
  #random: () => number = seededRandom(1);
  readonly #hangingRequests = new Set<() => void>();

  get current(): Readonly<SimFaults> {
    return this.#faults;
  }

  /** Replaces all faults; `expireTokens` is an action, so it is not kept. */
  set(faults: SimFaults): void {
    const { expireTokens: _action, ...kept } = faults;
    this.#faults = kept;
    // Restarting the seeded generator makes a given request sequence fail the same way on every run.
    this.#random = seededRandom(1);
    this.#releaseHangingRequests();
  }

  /** True when this request should get the injected error. */
  drawError(): boolean {
    const rate = this.#faults.errorRate ?? 0;
    return rate > 0 && this.#random() < rate;
  }

  /** Resolves once `hang` is off; rejects with the signal's reason when the request is aborted. */
  async waitWhileHanging(signal: AbortSignal): Promise<void> {
    while (this.#faults.hang) {
      signal.throwIfAborted();
      await new Promise<void>((resolve, reject) => {
        const release = () => {
          signal.removeEventListener('abort', onAbort);
          this.#hangingRequests.delete(release);
          resolve();
        };
        const onAbort = () => {
          this.#hangingRequests.delete(release);
          reject(signal.reason);
        };
        this.#hangingRequests.add(release);
        signal.addEventListener('abort', onAbort, { once: true });
      });
    }
  }

  /** Number of requests currently held by `hang`. */
  get hangingCount(): number {
    return this.#hangingRequests.size;
  }

  #releaseHangingRequests(): void {
    for (const release of [...this.#hangingRequests]) release();
  }
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts (the timer is cleared). */
export function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

// mulberry32: tiny, fast and good enough to spread injected errors.
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
