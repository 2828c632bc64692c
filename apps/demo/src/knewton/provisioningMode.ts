import type { KnewtonMode } from '@knewton-kit/react';

/**
 * Lazy by default (the account is created the first time a gated feature needs it); `?mode=eager`
 * shows the other timing, where only the sign-up flow creates accounts and gates merely read.
 */
export function readProvisioningMode(search: string): KnewtonMode {
  return new URLSearchParams(search).get('mode') === 'eager' ? 'eager' : 'lazy';
}
