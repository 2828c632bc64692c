import { useQuery } from '@tanstack/react-query';
import type { KnewtonAccountError } from './errors/KnewtonAccountError.js';
import { useKnewtonContext } from './KnewtonProvider.js';
import { knewtonAccountQueryOptions } from './knewtonAccountQueryOptions.js';

/** The signed-in user's Knewton account, as a union TypeScript narrows on `status`. */
export type UseKnewtonAccountResult =
  | { status: 'signed-out' }
  | { status: 'pending' }
  | { status: 'ready'; accountId: string }
  | {
      status: 'error';
      error: KnewtonAccountError;
      /** Asks again (all gates go back to `pending`). */
      retry: () => void;
    };

/**
 * The signed-in user's account id. One request per user however many components call it, none when
 * bootstrapped or cached. Loading and failure are never reported as "no account".
 */
export function useKnewtonAccount(): UseKnewtonAccountResult {
  const input = useKnewtonContext();
  const { data, error, refetch } = useQuery(knewtonAccountQueryOptions(input));
  return input.userId === undefined
    ? { status: 'signed-out' }
    : // Data first: a failed refetch keeps the id, and a gate that opened must not close.
      data !== undefined
      ? { status: 'ready', accountId: data }
      : error
        ? { status: 'error', error, retry: refetch }
        : { status: 'pending' };
}
