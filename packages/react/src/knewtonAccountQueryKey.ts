/** The prefix of every query key the kit uses; sign-out removes everything under it. */
export const knewtonQueryKeyPrefix = ['knewton-kit', 'account'] as const;

export type KnewtonAccountQueryKey = readonly ['knewton-kit', 'account', string | undefined];

/** The cache key of one user's account id: per user, so one user's id is never shown to another. */
export function knewtonAccountQueryKey(userId: string | undefined): KnewtonAccountQueryKey {
  return [...knewtonQueryKeyPrefix, userId];
}
