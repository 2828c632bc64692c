import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer, type Http2Bindings, type HttpBindings } from '@hono/node-server';
import { createPlatformSim, type PlatformSim } from '@knewton-kit/platform-sim';

/** What the harness saw the platform answer, per `METHOD /path` (ids collapsed to `{id}`). */
export interface PlatformTally {
  /** `"POST /v0/accounts 201"` → count; `dropped` for connections destroyed by `dropAfterCreate`. */
  answers: Map<string, number>;
  /** 429s the platform sent because a real limit was exceeded (not the injected `errorStatus: 429`). */
  provoked429: number;
  /** The provoked 429s by route and limit, e.g. `"POST /v0/accounts token-limited"`. */
  provokedBy: Map<string, number>;
  /** 429s sent by the injected 429 fault (`X-Knewton-Rate-Exceeded: partner-soft-limited`). */
  injected429: number;
}

export interface CountingSimOptions {
  /**
   * Holds each successful `POST /v0/accounts` (and `POST /v0/batch`) answer this long after the platform committed the account,
   * widening the window in which a BFF crash leaves an account on the platform and no row in its store.
   * @default 0
   */
  holdCreateAnswersMs?: number;
}

/** A committed create whose answer is being held, labelled with the BFF's `request-label`. */
export interface HeldCreate {
  label: string;
  since: number;
  /** `POST /v0/accounts` (one account) or `POST /v0/batch` (up to 50), so a kill can aim at a batch. */
  route: string;
}

export interface CountingSim {
  sim: PlatformSim;
  url: string;
  tally: PlatformTally;
  /** Creates the platform committed whose answers have not been sent yet. */
  heldCreates: ReadonlySet<HeldCreate>;
  /** Count of one answer key, e.g. `answered('POST /v0/accounts', 201)`. */
  answered(route: string, status: number | 'dropped'): number;
  close(): Promise<void>;
}

const uuidSegment = /\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?=\/|$)/gi;

/**
 * The platform simulator, served from the harness process so the harness can see every answer it gives:
 * the simulator's own stats count calls per route but not their outcomes, and the suite must tell the
 * 429s the BFF provoked (a real limit) from those it was sent on purpose (the 429 fault).
 */
export async function startCountingSim(options: CountingSimOptions = {}): Promise<CountingSim> {
  const holdMs = options.holdCreateAnswersMs ?? 0;
  const sim = createPlatformSim();
  const tally: PlatformTally = {
    answers: new Map(),
    provoked429: 0,
    provokedBy: new Map(),
    injected429: 0,
  };
  const heldCreates = new Set<HeldCreate>();
  const count = (key: string) => tally.answers.set(key, (tally.answers.get(key) ?? 0) + 1);

  const server = createAdaptorServer({
    overrideGlobalObjects: false,
    async fetch(request, env: HttpBindings | Http2Bindings) {
      const { pathname } = new URL(request.url);
      const route = `${request.method} ${pathname.replace(uuidSegment, '/{id}')}`;
      let response: Response;
      try {
        response = await sim.fetch(request);
      } catch {
        // The simulator rejects only for an aborted request (its client is gone) or for `dropAfterCreate`,
        // where the account is committed and the client must see its connection dropped unanswered.
        if (request.signal.aborted) return new Response(null, { status: 499 });
        count(`${route} dropped`);
        env.incoming.socket.destroy();
        return new Response(null, { status: 499 });
      }
      count(`${route} ${response.status}`);
      if (response.status === 429) {
        if (response.headers.get('x-knewton-rate-exceeded') === 'partner-soft-limited') {
          tally.injected429++;
        } else {
          tally.provoked429++;
          const limit = `${route} ${response.headers.get('x-knewton-rate-exceeded') ?? 'unlabelled'}`;
          tally.provokedBy.set(limit, (tally.provokedBy.get(limit) ?? 0) + 1);
        }
      }
      // Batches too: a kill aimed at a held batch answer lands with up to 50 accounts on the platform and
      // none of their rows written yet.
      const committedCreate =
        (route === 'POST /v0/accounts' && response.status === 201) ||
        (route === 'POST /v0/batch' && (response.status === 200 || response.status === 207));
      if (holdMs > 0 && committedCreate) {
        const held = {
          label: request.headers.get('request-label') ?? '',
          since: Date.now(),
          route,
        };
        heldCreates.add(held);
        await new Promise((resolve) => setTimeout(resolve, holdMs));
        heldCreates.delete(held);
      }
      return response;
    },
  }) as Server;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    sim,
    url: `http://127.0.0.1:${port}`,
    tally,
    heldCreates,
    answered: (route, status) => tally.answers.get(`${route} ${status}`) ?? 0,
    close() {
      closing ??= new Promise<void>((resolve) => {
        sim.setFaults({});
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
