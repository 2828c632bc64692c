import { delay } from './faultState.js';
import { perIpLimitsPerSecond, perTokenLimitsPerMinute } from './rateLimitTable.js';
import { errorResponse, rateLimitedResponse } from './responses.js';
import type { Router } from './router.js';
import { SimHttpError } from './SimHttpError.js';
import type { AuthenticatedRouteContext, RouteContext, SimRoute, SimState } from './simState.js';

/** Returned instead of a response when the connection must be dropped unanswered (`dropAfterCreate`, `dropAfterDelete`). */
export const DROP_CONNECTION: unique symbol = Symbol('drop connection');

export type HandleResult = Response | typeof DROP_CONNECTION;

/**
 * One request through the simulator: route → count → faults → per-IP limit / bearer auth →
 * per-token limit → route handler → `dropAfterCreate` / `dropAfterDelete`. Every failure becomes `{"message": "..."}`;
 * only an aborted request rejects (with the signal's reason), as a real `fetch` would.
 */
export async function handleRequest(
  state: SimState,
  router: Router<SimRoute>,
  request: Request,
  clientAddress: string,
): Promise<HandleResult> {
  try {
    const result = await dispatch(state, router, request, clientAddress);
    if (result !== DROP_CONNECTION && result.status === 429) state.counters.rateLimited++;
    return result;
  } catch (error) {
    if (error instanceof SimHttpError) {
      return errorResponse(error.status, error.message, error.headers);
    }
    if (request.signal.aborted) throw error;
    console.error('platform-sim: unexpected error', error);
    return errorResponse(500, 'Internal simulator error.');
  }
}

async function dispatch(
  state: SimState,
  router: Router<SimRoute>,
  request: Request,
  clientAddress: string,
): Promise<HandleResult> {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return errorResponse(400, 'Invalid request URL.');
  }
  const found = router.lookup(request.method, url.pathname);
  if (found.kind === 'not-found') {
    return errorResponse(404, `No such resource: ${request.method} ${url.pathname.slice(0, 200)}.`);
  }
  if (found.kind === 'method-not-allowed') {
    return errorResponse(405, `Method ${request.method} is not allowed here.`, {
      allow: found.allow.join(', '),
    });
  }
  const { route, params } = found;
  const context: RouteContext = {
    request,
    url,
    params,
    now: 0,
    state,
    createdAccount: false,
    deletedAccount: false,
  };
  if (route.auth === 'sim') {
    context.now = state.options.now();
    return route.handler(context);
  }

  const routeKey = `${route.method} ${route.path}`;
  state.calls.set(routeKey, (state.calls.get(routeKey) ?? 0) + 1);

  const injected = await applyFaults(state, request);
  if (injected) return injected;
  context.now = state.options.now();

  let response: Response;
  if (route.auth === 'basic') {
    if (
      !withinLimit(
        state,
        `ip-token:${clientAddress}`,
        perIpLimitsPerSecond.tokenRequests,
        1000,
        context.now,
      )
    ) {
      return rateLimitedResponse('ip-limited');
    }
    response = await route.handler(context);
  } else {
    const authenticated = authenticate(state, context, clientAddress);
    if (authenticated instanceof Response) return authenticated;
    const limit = perTokenLimitsPerMinute.get(routeKey);
    if (
      limit !== undefined &&
      !withinLimit(state, `token:${authenticated.token}:${routeKey}`, limit, 60_000, context.now)
    ) {
      return rateLimitedResponse('token-limited');
    }
    response = await route.handler(authenticated.context);
  }
  if (context.createdAccount && state.faults.current.dropAfterCreate) return DROP_CONNECTION;
  if (context.deletedAccount && state.faults.current.dropAfterDelete) return DROP_CONNECTION;
  return response;
}

// `request.signal` is only read when a fault needs it: on @hono/node-server's lightweight requests,
// reading it materialises a full Request, which costs more than the rest of an account creation.
async function applyFaults(state: SimState, request: Request): Promise<Response | undefined> {
  const { faults } = state;
  if (faults.current.hang) await faults.waitWhileHanging(request.signal);
  const latencyMs = faults.current.latencyMs ?? 0;
  if (latencyMs > 0) await delay(latencyMs, request.signal);
  if (!faults.drawError()) return undefined;
  const status = faults.current.errorStatus ?? 503;
  if (status === 429) return rateLimitedResponse('partner-soft-limited');
  return errorResponse(status, `Simulated failure (errorRate fault, status ${status}).`);
}

function authenticate(
  state: SimState,
  context: RouteContext,
  clientAddress: string,
): { context: AuthenticatedRouteContext; token: string } | Response {
  const header = context.request.headers.get('authorization') ?? '';
  const token = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
  const check = token ? state.tokens.check(token, context.now) : undefined;
  const caller = check?.kind === 'valid' ? state.accounts.get(check.accountId) : undefined;
  if (token && caller) {
    // Extended in place so that what the handler records (createdAccount) stays visible to dispatch.
    const authenticated = context as AuthenticatedRouteContext;
    authenticated.caller = caller;
    return { context: authenticated, token };
  }

  const unauthenticatedLimit = perIpLimitsPerSecond.otherUnauthenticatedRequests;
  if (!withinLimit(state, `ip-other:${clientAddress}`, unauthenticatedLimit, 1000, context.now)) {
    return rateLimitedResponse('ip-limited');
  }
  const message = !token
    ? 'A bearer token is required (Authorization: Bearer <access_token>).'
    : check?.kind === 'expired'
      ? 'The access token has expired.'
      : 'The access token is not valid.';
  return errorResponse(401, message, { 'www-authenticate': 'Bearer error="invalid_token"' });
}

function withinLimit(
  state: SimState,
  key: string,
  limit: number,
  baseWindowMs: number,
  now: number,
): boolean {
  if (!state.options.rateLimits) return true;
  const scale = state.faults.current.rateLimitScale ?? state.options.rateLimitScale;
  return state.limiter.tryAcquire(key, limit, baseWindowMs / scale, now);
}
