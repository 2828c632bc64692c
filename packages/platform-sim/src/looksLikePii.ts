import { findPii, type PiiKind } from '@knewton-kit/contract';

const phrases: Readonly<Record<PiiKind, string>> = {
  email: 'an email address',
  phone: 'a phone number',
  payment_card: 'a payment card number',
  iban: 'a bank account number (IBAN)',
  national_id: 'a national identity number',
  ip_address: 'an IP address',
};

/**
 * Says why a value looks like personally identifiable information, or `undefined` when it does not.
 * The detection is the kit's one definition (`findPii` in `@knewton-kit/contract`, which the BFF checks
 * a host mapper's external ids with too); this only words its answer for the simulator's 422 messages.
 */
export function looksLikePii(value: string): string | undefined {
  const kind = findPii(value);
  return kind === undefined ? undefined : phrases[kind];
}
