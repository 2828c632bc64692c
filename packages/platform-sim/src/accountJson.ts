import type { AccountRecord } from './accountStore.js';

/** The single-call account shape: `entitlements` is absent when empty, as documented. */
export function accountJson(account: AccountRecord): { id: string; external_user_id: string } {
  return { id: account.id, external_user_id: account.externalUserId };
}
