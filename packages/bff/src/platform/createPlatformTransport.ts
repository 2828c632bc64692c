import { type Clock, systemClock } from '../clock.js';

/** What the client needs of `fetch`; both `globalThis.fetch` and the simulator's `sim.fetch` fit. */
export type PlatformFetch = (request: Request, init?: RequestInit) => Promise<Response>;

/** No answer (status line and headers) within `timeoutMs`. */
export class PlatformTimeoutError extends Error {
  override name = 'PlatformTimeoutError' as const;
}

export interface PlatformTransportOptions {
  /** The platform's base URL without a trailing slash; paths are appended after `/v0/`. */
  baseUrl: string;
  /** Per-request limit on waiting for the answer's status and headers. */
  timeoutMs: number;
  /** @default globalThis.fetch */
  fetch?: PlatformFetch | undefined;
  /** Aborting it cuts every request in flight short (bounded shutdown). */
  signal?: AbortSignal | undefined;
  /** What the timeouts run on. @default systemClock */
  clock?: Clock | undefined;
}

export interface PlatformRequestOptions {
  headers: Record<string, string>;
  /** Sent as `application/json`. */
  json?: unknown;
  /** Sent as `application/x-www-form-urlencoded` (token requests). */
  form?: URLSearchParams;
  /** This request's own limit instead of the transport's (a call under a deadline passes what is left). */
  timeoutMs?: number | undefined;
  /** Aborts this request alone (a caller's deadline), besides the transport's shutdown signal. */
  signal?: AbortSignal | undefined;
}

/** One attempt per call: the answer whatever its status, or a rejection (timeout, network, abort). */
export interface PlatformTransport {
  get(path: string, options: PlatformRequestOptions): Promise<Response>;
  post(path: string, options: PlatformRequestOptions): Promise<Response>;
  delete(path: string, options: PlatformRequestOptions): Promise<Response>;
}

/**
 * One request to the platform per call, with a timeout and the shutdown signal; retries are the call
 * policy's. Written on `fetch` itself rather than on a client library because the create path is
 * latency-bound, and ky (for one) clones and tees every request for its retries and links a fresh
 * signal per call, about half the client's CPU per create.
 *
 * The timeout races the answer, so it holds even for a `fetch` that ignores its signal, such as an
 * in-process simulator; the request's signal is aborted too, so a real connection is dropped.
 */
export function createPlatformTransport(options: PlatformTransportOptions): PlatformTransport {
  const { timeoutMs, signal } = options;
  const clock = options.clock ?? systemClock;
  const fetchImpl: PlatformFetch = options.fetch ?? ((request) => globalThis.fetch(request));
  const prefix = `${options.baseUrl}/v0/`;
  // One listener on the shutdown signal for all requests, not one per request (and no
  // `AbortSignal.any` per request): the controllers of requests in flight are kept here.
  const inFlight = new Set<AbortController>();
  signal?.addEventListener(
    'abort',
    () => {
      for (const controller of inFlight) controller.abort(signal.reason);
    },
    { once: true },
  );

  function send(method: string, path: string, request: PlatformRequestOptions): Promise<Response> {
    const controller = new AbortController();
    if (signal?.aborted) controller.abort(signal.reason);
    const own = request.signal;
    const abortOwn = () => controller.abort(own?.reason);
    if (own?.aborted) abortOwn();
    else own?.addEventListener('abort', abortOwn, { once: true });
    const limitMs = request.timeoutMs ?? timeoutMs;
    const headers: Record<string, string> = { ...request.headers };
    let body: string | URLSearchParams | undefined;
    if (request.json !== undefined) {
      body = JSON.stringify(request.json);
      headers['content-type'] = 'application/json';
    } else if (request.form !== undefined) body = request.form;
    inFlight.add(controller);
    return new Promise<Response>((resolve, reject) => {
      const timer = clock.setTimeout(() => {
        controller.abort();
        reject(
          new PlatformTimeoutError(`${method} ${prefix}${path} timed out after ${limitMs} ms`),
        );
      }, limitMs);
      // Held until the answer: a `fetch` that copies it (`new Request(request)`, as test doubles and
      // request middleware do) gets a signal that follows this one's only while this Request lives
      // (undici links them weakly). Dropped at once, it could be collected mid-call and the copy was then
      // never aborted: a request given up on at its deadline still reached the platform.
      let outgoing: Request | undefined = new Request(prefix + path, {
        method,
        headers,
        body,
        signal: controller.signal,
      });
      const settle = () => {
        clock.clearTimeout(timer);
        inFlight.delete(controller);
        own?.removeEventListener('abort', abortOwn);
        outgoing = undefined;
      };
      let pending: Promise<Response>;
      try {
        pending = fetchImpl(outgoing);
      } catch (error) {
        pending = Promise.reject(error);
      }
      pending.then(
        (response) => {
          settle();
          resolve(response);
        },
        (error: unknown) => {
          settle();
          reject(error);
        },
      );
    });
  }

  return {
    get: (path, request) => send('GET', path, request),
    post: (path, request) => send('POST', path, request),
    delete: (path, request) => send('DELETE', path, request),
  };
}
