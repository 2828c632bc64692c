import { randomUUID } from 'node:crypto';
import { errorBody } from '../http/errorBody.js';
import type { KnewtonBff } from '../KnewtonBffOptions.js';

/** A Next.js route handler: Next passes a second argument (the route's params) that the BFF ignores. */
export type NextRouteHandler = (request: Request) => Promise<Response>;

export interface KnewtonNextOptions {
  /**
   * Names the process-wide instance, so two BFFs in one app (say, two base paths) stay apart.
   * @default 'default'
   */
  name?: string;
  /**
   * Told why the factory failed (the request that met it is answered 503 `store_unavailable`).
   * @default logs the error with `console.error`
   */
  onCreateError?: (error: unknown) => void;
}

/** What `createKnewtonNext` returns: the lazy BFF and a route handler per HTTP method. */
export interface KnewtonNext {
  /** The process's one BFF, created by your factory on the first call (never at build or import time). */
  bff(): Promise<KnewtonBff>;
  GET: NextRouteHandler;
  HEAD: NextRouteHandler;
  PUT: NextRouteHandler;
  POST: NextRouteHandler;
  PATCH: NextRouteHandler;
  DELETE: NextRouteHandler;
  OPTIONS: NextRouteHandler;
}

interface Slot {
  bff?: Promise<KnewtonBff>;
}

/**
 * Makes a BFF safe for Next.js route handlers and server components. Next evaluates a module during
 * `next build` (so nothing may open a store at import time) and once per bundle layer at run time (so a
 * module-level `await createKnewtonBff()` opens one store per layer: two PGlite instances on one folder).
 * Here the factory runs on the first request only, and its promise lives on `globalThis` under
 * `Symbol.for`, which every copy of this module in the process resolves to the same slot.
 * A factory that fails is forgotten, so the next request tries again instead of failing forever.
 */
export function createKnewtonNext(
  create: () => Promise<KnewtonBff>,
  options: KnewtonNextOptions = {},
): KnewtonNext {
  if (typeof create !== 'function') {
    throw new TypeError('`create` must be a function that returns `createKnewtonBff(...)`');
  }
  const name = options.name ?? 'default';
  if (typeof name !== 'string' || name === '')
    throw new TypeError('`name` must be a non-empty string');
  const onCreateError =
    options.onCreateError ??
    ((error: unknown) => console.error('@knewton-kit/bff/next: the BFF could not start', error));
  const key = Symbol.for(`@knewton-kit/bff/next:${name}`);
  const slots = globalThis as unknown as Record<symbol, Slot | undefined>;
  slots[key] ??= {};
  const slot = slots[key];

  function bff(): Promise<KnewtonBff> {
    if (!slot.bff) {
      const created = Promise.resolve().then(create);
      slot.bff = created;
      created.catch((error: unknown) => {
        if (slot.bff === created) slot.bff = undefined;
        onCreateError(error);
      });
    }
    return slot.bff;
  }

  async function handle(request: Request): Promise<Response> {
    let instance: KnewtonBff;
    try {
      instance = await bff();
    } catch {
      // The factory's error may name paths or hosts: it is the host's to log, not the browser's to read.
      return Response.json(
        errorBody(
          'store_unavailable',
          'The Knewton BFF could not start; try again shortly.',
          randomUUID(),
        ),
        { status: 503, headers: { 'Retry-After': '5', 'Cache-Control': 'no-store' } },
      );
    }
    return instance.fetch(request);
  }

  return {
    bff,
    GET: handle,
    HEAD: handle,
    PUT: handle,
    POST: handle,
    PATCH: handle,
    DELETE: handle,
    OPTIONS: handle,
  };
}
