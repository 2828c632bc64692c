type Fetch = (request: Request) => Promise<Response>;

/** Platform calls held at the door until the test lets them through or answers them itself. */
export interface PlatformDoor {
  /** Wraps the simulator's fetch: calls to `pathname` wait at the door while it is closed. */
  wrapFetch(next: Fetch): Fetch;
  /** Calls that reached the door so far (held or let through). */
  arrivals(): number;
  /** Resolves once `count` calls have reached the door. */
  arrived(count?: number): Promise<void>;
  /** Lets every held call (and every later one) through to the platform. */
  open(): void;
  /** Answers every held call with `response()` instead of the platform; later calls still wait. */
  answerHeld(response: () => Response): void;
}

/**
 * A gate in front of one platform route, so a test decides when a call reaches the platform: a
 * slow or hanging platform without waiting for real latencies or timeouts.
 */
export function createPlatformDoor(pathname: string): PlatformDoor {
  let isOpen = false;
  let arrivals = 0;
  const held: Array<(answer: Response | undefined) => void> = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  return {
    wrapFetch: (next) => async (request) => {
      if (new URL(request.url).pathname !== pathname) return next(request);
      arrivals++;
      for (const waiter of waiters.filter((w) => w.count <= arrivals)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
      if (isOpen) return next(request);
      const answer = await new Promise<Response | undefined>((resolve) => held.push(resolve));
      return answer ?? next(request);
    },
    arrivals: () => arrivals,
    arrived: (count = 1) =>
      count <= arrivals
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiters.push({ count, resolve })),
    open() {
      isOpen = true;
      for (const release of held.splice(0)) release(undefined);
    },
    answerHeld(response) {
      for (const answer of held.splice(0)) answer(response());
    },
  };
}
