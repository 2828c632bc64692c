/**
 * Runs `work(item)` for every item with at most `concurrency` running at once. Stops taking new items
 * once `deadline` (epoch ms) passes, so every loop of the suite is bounded in count and in time.
 * Resolves with how many items were started.
 */
export async function runPool<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<void>,
  deadline = Number.POSITIVE_INFINITY,
): Promise<number> {
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length && Date.now() < deadline) {
      const index = next++;
      await work(items[index] as T, index);
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return next;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
