'use client';

import { bffPaths, KNEWTON_BFF_BASE_PATH } from '@knewton-kit/contract';
import { hashKey, hydrate, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import ky from 'ky';
import { type ReactNode, useState } from 'react';
import {
  KnewtonAccountError,
  type KnewtonAccountErrorCode,
} from '../errors/KnewtonAccountError.js';
import { toKnewtonError } from '../errors/toKnewtonError.js';
import { KnewtonProvider } from '../KnewtonProvider.js';
import { knewtonAccountQueryKey } from '../knewtonAccountQueryKey.js';
import { knewtonErrorBody, knewtonErrorResponse } from './knewtonErrorResponse.js';
import { testKnewtonAccountId } from './knewtonHandlers.js';

/** The state every kit hook and gate under a `KnewtonTestProvider` reports. */
export type KnewtonTestState =
  | { status: 'signed-out' }
  | { status: 'pending' }
  | {
      status: 'ready';
      /** @default testKnewtonAccountId */
      accountId?: string;
    }
  | {
      status: 'error';
      /** Any contract code, `network_error` or `invalid_response`. @default 'knewton_unavailable' */
      code?: KnewtonAccountErrorCode;
    }
  /** The learner opted out: the BFF answers 403 `knewton_opted_out` (gates render `fallback`). */
  | { status: 'opted-out' };

export interface KnewtonTestProviderProps {
  /** The pinned state, read on mount (remount with a `key` to change it). */
  state: KnewtonTestState;
  /** The app's QueryClient, if the tree under test uses its own queries. @default a new QueryClient */
  queryClient?: QueryClient;
  /** The signed-in user's id. @default 'test-user' */
  userId?: string;
  children?: ReactNode;
}

// The kit's default, so the learning routes (answered by the page's own `fetch`: MSW handlers such as
// `knewtonLearningHandlers()`, or a stub) are where a host's handlers expect them, keepalive included.
const baseUrl = KNEWTON_BFF_BASE_PATH;

/**
 * What the pinned "BFF" answers for the account, without any network: `retry()` gets the same answer
 * again. Every other route (`@knewton-kit/react/learning`'s) goes to the page's `fetch`, as it would
 * without this provider.
 */
function answerFor(state: KnewtonTestState): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const { pathname, search } = new URL(request.url);
    if (pathname !== baseUrl + bffPaths.account) {
      return fetch(new URL(pathname + search, globalThis.document?.baseURI), {
        method: request.method,
        headers: request.headers,
        body: request.method === 'GET' ? undefined : await request.text(),
      });
    }
    if (state.status === 'pending') return new Promise<never>(() => {});
    if (state.status === 'opted-out') return knewtonErrorResponse('knewton_opted_out');
    if (state.status !== 'error') {
      return Response.json({
        accountId: (state.status === 'ready' && state.accountId) || testKnewtonAccountId,
        createdAt: '2026-01-01T00:00:00.000Z',
      });
    }
    const code = state.code ?? 'knewton_unavailable';
    if (code === 'network_error') throw new TypeError('Failed to fetch');
    if (code === 'invalid_response') return new Response('<!doctype html>');
    return knewtonErrorResponse(code);
  };
}

/** The error `answerFor(state)` leads to, built synchronously so the first render already shows it. */
function pinnedError(code: KnewtonAccountErrorCode) {
  const where = `PUT ${baseUrl}${bffPaths.account}`;
  if (code === 'network_error') {
    const cause = new TypeError('Failed to fetch');
    return toKnewtonError(KnewtonAccountError, where, undefined, undefined, cause);
  }
  if (code === 'invalid_response') {
    return toKnewtonError(KnewtonAccountError, where, new Response(''));
  }
  const response = knewtonErrorResponse(code);
  return toKnewtonError(KnewtonAccountError, where, response, knewtonErrorBody(code));
}

/**
 * Renders the kit's real hooks and gates in a fixed state (`ready`, `pending`, `error`, `signed-out`,
 * `opted-out`)
 * with no network, so a host app tests its own gated UI in a few lines. Provides its own
 * `QueryClientProvider`.
 */
export function KnewtonTestProvider({
  state,
  queryClient,
  userId = 'test-user',
  children,
}: KnewtonTestProviderProps) {
  const [pinned] = useState(() => {
    const client = queryClient ?? new QueryClient();
    const options = {
      baseUrl,
      retry: 0,
      ky: ky.create({ fetch: answerFor(state), timeout: false }),
    };
    const pinnedCode =
      state.status === 'opted-out'
        ? 'knewton_opted_out'
        : state.status === 'error'
          ? (state.code ?? 'knewton_unavailable')
          : undefined;
    if (pinnedCode !== undefined) {
      // Starts in the error (or opted-out) state, rather than pending for a tick, and stays there until
      // `retry()`: the failed query is put in the cache as a server would hand it over (`hydrate`).
      const queryKey = knewtonAccountQueryKey(userId);
      hydrate(client, {
        mutations: [],
        queries: [
          {
            queryKey,
            queryHash: hashKey(queryKey),
            dehydratedAt: Date.now(),
            state: {
              data: undefined,
              dataUpdateCount: 0,
              dataUpdatedAt: 0,
              error: pinnedError(pinnedCode),
              errorUpdateCount: 1,
              errorUpdatedAt: Date.now(),
              fetchFailureCount: 1,
              fetchFailureReason: null,
              fetchMeta: null,
              isInvalidated: false,
              status: 'error',
              fetchStatus: 'idle',
            },
          },
        ],
      });
    }
    return { client, options };
  });
  return (
    <QueryClientProvider client={pinned.client}>
      <KnewtonProvider
        {...pinned.options}
        userId={state.status === 'signed-out' ? undefined : userId}
        initialAccountId={
          state.status === 'ready' ? (state.accountId ?? testKnewtonAccountId) : undefined
        }
      >
        {children}
      </KnewtonProvider>
    </QueryClientProvider>
  );
}
