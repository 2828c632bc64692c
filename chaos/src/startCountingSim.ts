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
   * Holds each successful `POST /v0/accounts` (and `POST /v0/batch`) answer this long after the commit,
   * widening the window in which a BFF crash leaves an account on the platform and no row in its store.
   * @default 0
   */
  holdCreateAnswersMs?: number;
  /**
   * Holds each `batch-events` 204 this long after the platform recorded the events, widening the window
   * in which a BFF crash falls between the platform's answer and the outbox update (a duplicate's cause).
   * @default 0
   */
  holdEventAnswersMs?: number;
}

/** One `batch-events` call the platform accepted (204), as the harness saw it arrive. */
export interface DeliveredEventBatch {
  /** The BFF's `request-label` (the outbox sends `outbox-<pid>-<claim>`). */
  label: string;
  /** When the platform answered (epoch ms), before any hold. */
  answeredAt: number;
  /** The platform's batch-event JSON objects, in the order sent. */
  events: Record<string, unknown>[];
  /**
   * True once the sender's connection closed before the 204 was written: the platform has the events and
   * the sender never heard so (its call timed out or gave up, or the process died), so it sends them again.
   */
  answerLost: boolean;
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
  /** `batch-events` 204s being held (see `holdEventAnswersMs`). */
  heldEventAnswers: ReadonlySet<HeldCreate>;
  /** Every `batch-events` call the platform accepted, in order of arrival. */
  eventBatches: DeliveredEventBatch[];
  /** `account_id` of every `POST /v0/registrations` the platform answered 201, one entry per registration. */
  registeredAccounts: string[];
  /** When each of `registeredAccounts` was answered (epoch ms), in the same order. */
  registeredAt: number[];
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
  const holdEventsMs = options.holdEventAnswersMs ?? 0;
  const heldEventAnswers = new Set<HeldCreate>();
  const eventBatches: DeliveredEventBatch[] = [];
  const registeredAccounts: string[] = [];
  const registeredAt: number[] = [];
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
      // The simulator keeps no per-event record the harness could read back (the platform's events carry
      // no id), so the bodies of the learning calls are read here, on their way in.
      const learningBody =
        route === 'POST /v0/registrations/{id}/batch-events' || route === 'POST /v0/registrations'
          ? request
              .clone()
              .json()
              .catch(() => undefined)
          : undefined;
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
      if (route === 'POST /v0/registrations/{id}/batch-events' && response.status === 204) {
        const label = request.headers.get('request-label') ?? '';
        const body = (await learningBody) as { events?: Record<string, unknown>[] } | undefined;
        const batch: DeliveredEventBatch = {
          label,
          answeredAt: Date.now(),
          events: body?.events ?? [],
          // A sender already gone (killed, or given up) when the platform took the batch: a request
          // that waited in this busy process's socket queue past its sender's end.
          answerLost: request.signal.aborted || env.outgoing.destroyed,
        };
        eventBatches.push(batch);
        // A connection that closes before the answer is written is an answer lost on its way back.
        const outgoing = env.outgoing as {
          writableFinished: boolean;
          once(e: 'close', f: () => void): void;
        };
        outgoing.once('close', () => {
          if (!outgoing.writableFinished) batch.answerLost = true;
        });
        if (holdEventsMs > 0) {
          const held = { label, since: Date.now(), route };
          heldEventAnswers.add(held);
          await new Promise((resolve) => setTimeout(resolve, holdEventsMs));
          heldEventAnswers.delete(held);
        }
      }
      if (route === 'POST /v0/registrations' && response.status === 201) {
        const body = (await learningBody) as { account_id?: string } | undefined;
        registeredAccounts.push(body?.account_id ?? '');
        registeredAt.push(Date.now());
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
    heldEventAnswers,
    eventBatches,
    registeredAccounts,
    registeredAt,
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
