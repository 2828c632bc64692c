const emailPattern = /[^\s@]+@[^\s@]+\.[^\s@]{2,}/;
/** A stretch made only of phone-number characters: digits, spaces, dots, dashes, parentheses, a leading +. */
const phoneShape = /^\+?[\d\s().-]+$/;
const ipv4Pattern = /(?:^|[^\d.])(?:\d{1,3}\.){3}\d{1,3}(?:$|[^\d.])/;
/** Characters that join parts of an id (`tel:+1 555…`, `user_555-0100`) but are not phone characters. */
const partSeparators = /[:_/|,;=#&]+/;

/**
 * Whether a value looks like personally identifiable information: contains an email address, an IPv4
 * address, or has a part that is a phone number (7 to 15 digits written with the usual separators).
 * Opaque ids that merely contain digits (`u12345678`, `partner-000042`, UUIDs, HMAC digests) pass:
 * a false alarm here blocks a host's legitimate mapper, so only phone-shaped parts count.
 */
export function looksLikePii(value: string): boolean {
  if (emailPattern.test(value) || ipv4Pattern.test(value)) return true;
  return value.split(partSeparators).some((part) => {
    const trimmed = part.trim();
    if (!phoneShape.test(trimmed)) return false;
    const digits = trimmed.replace(/\D/g, '').length;
    return digits >= 7 && digits <= 15;
  });
}
