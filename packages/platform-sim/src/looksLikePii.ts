const EMAIL = /[^\s@]+@[^\s@]+\.[^\s@]{2,}/;
// A whole value made of phone-number characters (digits, spaces, dots, dashes, parentheses, a leading +).
const PHONE_SHAPE = /^\+?[\d\s().-]+$/;

/**
 * Says why a value looks like personally identifiable information (an email address or a phone
 * number), or `undefined` when it does not. Deliberately narrow: pseudonymous ids such as HMAC
 * digests or UUIDs must never be refused.
 */
export function looksLikePii(value: string): 'an email address' | 'a phone number' | undefined {
  if (EMAIL.test(value)) return 'an email address';
  const trimmed = value.trim();
  if (PHONE_SHAPE.test(trimmed)) {
    const digits = trimmed.replace(/\D/g, '').length;
    if (digits >= 7 && digits <= 15) return 'a phone number';
  }
  return undefined;
}
