const emailPattern = /[^\s@]+@[^\s@]+\.[^\s@]+/;
/** Seven or more digits, allowing the separators people write phone numbers with. */
const phonePattern = /(?:\+|\b)\d(?:[\s().-]*\d){6,}/;
const ssnPattern = /\b\d{3}-\d{2}-\d{4}\b/;
const ipv4Pattern = /\b(?:\d{1,3}\.){3}\d{1,3}\b/;

/**
 * Whether a value looks like personally identifiable information: an email address, a phone number
 * (7+ digits with common separators), a US social security number or an IPv4 address. Deliberately
 * eager: a false alarm costs a host a different mapper, a miss sends PII to a third party.
 */
export function looksLikePii(value: string): boolean {
  return (
    emailPattern.test(value) ||
    phonePattern.test(value) ||
    ssnPattern.test(value) ||
    ipv4Pattern.test(value)
  );
}
