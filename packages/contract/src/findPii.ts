// Over 250 lines on purpose: one net, whose patterns (and the exceptions that keep digests and UUIDs
// from reading as phone numbers) only make sense read together.
import {
  passesCpfCheck,
  passesFrenchNirKey,
  passesIbanMod97,
  passesLuhn,
  passesSpanishIdLetter,
} from './piiChecksums.js';

/** What `findPii` found. */
export type PiiKind = 'email' | 'phone' | 'payment_card' | 'iban' | 'national_id' | 'ip_address';

/**
 * Whether a value looks like personally identifiable information; see {@link findPii}.
 * A safety net for a host's own external id mapper, not a guarantee: the HMAC mapper is the way to
 * produce ids that carry no PII at all.
 */
export function looksLikePii(value: string): boolean {
  return findPii(value) !== undefined;
}

/**
 * The first kind of personal data a value seems to contain, or `undefined`. The one definition the BFF
 * (checking a host mapper's external ids) and the platform simulator (refusing them) share.
 *
 * Looks for: email addresses, also written with a fullwidth or lookalike `@`, as `at`/`[at]`/`(at)`
 * with `dot`, percent-encoded, or encoded whole in base64, base64url or hex; phone numbers (formatted,
 * with `+`, with an extension, or ten bare digits shaped like a North American number inside an id);
 * payment card numbers (a network's prefix and length, Luhn-valid); IBANs (country length, mod 97);
 * national ids (US SSN, UK NINO, Canadian SIN, Spanish DNI/NIE, French NIR, Italian codice fiscale,
 * Brazilian CPF); IPv4 addresses.
 *
 * Passes what real opaque ids look like: UUIDs, hex digests, base64(url) tokens of a SHA-256/384/512
 * digest's length (so a phone number hidden in a value of exactly that shape passes too), counters and
 * database ids with digits (`u12345678`, `partner-000001234567`, millisecond timestamps). A name, an
 * address or a birth date written out in an id passes as well.
 */
export function findPii(value: string): PiiKind | undefined {
  const text = toComparable(value);
  if (containsEmail(text) || containsEncodedEmail(value)) return 'email';
  // UUIDs and long hex runs (digests) are opaque by construction; their digit stretches are noise.
  // (Hex runs stay only for the IBAN check: `DE89…` is an IBAN and hex-shaped. National ids are short
  // or carry letters beyond F, so a 64-character digest's `…60299148a…` is not read as a Spanish DNI.)
  const withoutUuids = text.replace(uuidPattern, ' ');
  const withoutOpaque = withoutUuids
    .replace(base64Token, (token) => (isDigestShaped(token) ? ' ' : token))
    .replace(hexRunWithLetter, ' ');
  if (ipv4Pattern.test(withoutOpaque)) return 'ip_address';
  if (containsNationalId(withoutOpaque)) return 'national_id';
  if (containsIban(withoutUuids)) return 'iban';
  if (containsPaymentCard(withoutOpaque)) return 'payment_card';
  if (containsPhone(withoutOpaque)) return 'phone';
  return undefined;
}

// ---- normalization ---------------------------------------------------------------------------------

const invisible = /[\p{Cf}\p{Cc}]/gu;

/** Folds the spellings people use to slip past a filter into the plain one. */
function toComparable(value: string): string {
  return (
    value
      // Fullwidth and compatibility forms (`＠`, `﹫`, fullwidth letters and digits) become ASCII.
      .normalize('NFKC')
      .replace(invisible, '')
      .replace(/%40/gi, '@')
      .replace(/%2e/gi, '.')
      .replace(/&#0*64;|&#x0*40;|&commat;/gi, '@')
      .replace(/[\u3002\uff61]/g, '.')
  );
}

// ---- email ------------------------------------------------------------------------------------------

const emailPattern = /[^\s@]+@[^\s@]+\.[^\s@.]{2,}/;
// `jane at example dot com`, `jane [at] example.com`, `jane(at)example(dot)com`, `jane_at_example.com`
const obfuscatedAt = /\s*[[({<]\s*at\s*[\])}>]\s*|[\s_-]+at[\s_-]+/gi;
const obfuscatedDot = /\s*[[({<]\s*dot\s*[\])}>]\s*|[\s_-]+dot[\s_-]+/gi;
const domainAfterAt = /[^\s@]@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}/i;

function containsEmail(text: string): boolean {
  if (emailPattern.test(text)) return true;
  const deobfuscated = text.replace(obfuscatedDot, '.').replace(obfuscatedAt, '@');
  return deobfuscated !== text && domainAfterAt.test(deobfuscated);
}

const base64Run = /[A-Za-z0-9+/_-]{16,}={0,2}/g;
const hexRun = /[0-9a-fA-F]{16,}/g;
const printableAscii = /^[\x20-\x7e]+$/;

/**
 * An email encoded whole in base64, base64url or hex. A random digest decodes to random bytes, which
 * are printable ASCII with a chance of about 1 in 10^14 for 32 bytes, so only decoded text that is
 * printable and holds an email address counts.
 */
function containsEncodedEmail(value: string): boolean {
  for (const [run] of value.matchAll(base64Run)) {
    // Try the whole run at each alignment, and its parts split at `-`/`_` (an id prefix like `u-`).
    const candidates = [run, run.slice(1), run.slice(2), run.slice(3), ...run.split(/[-_]/)];
    for (const candidate of candidates) {
      if (candidate.length < 16) continue;
      const decoded = decodeBase64(candidate);
      if (decoded !== undefined && printableAscii.test(decoded) && containsEmail(decoded))
        return true;
    }
  }
  for (const [run] of value.matchAll(hexRun)) {
    const even = run.length % 2 === 0 ? run : run.slice(1);
    const decoded = even.replace(/../g, (pair) => String.fromCharCode(Number.parseInt(pair, 16)));
    if (printableAscii.test(decoded) && containsEmail(decoded)) return true;
  }
  return false;
}

function decodeBase64(encoded: string): string | undefined {
  let standard = encoded.replace(/=+$/, '').replace(/-/g, '+').replace(/_/g, '/');
  if (standard.length % 4 === 1) standard = standard.slice(0, -1);
  standard += '='.repeat((4 - (standard.length % 4)) % 4);
  try {
    return atob(standard);
  } catch {
    return undefined;
  }
}

// ---- opaque parts ignored by the digit checks -------------------------------------------------------

const uuidPattern = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
// Hex runs of 16 or more with at least one letter: digests, object ids. All-digit runs stay (cards).
const hexRunWithLetter = /(?<![0-9a-z])(?=[0-9a-f]*[a-f])[0-9a-f]{16,}(?![0-9a-z])/gi;
// A standalone token of base64 or base64url characters (with its padding), to test with `isDigestShaped`.
const base64Token = /(?<![A-Za-z0-9+/_=-])[A-Za-z0-9+/_-]+=*(?![A-Za-z0-9+/_=-])/g;
/** Unpadded base64 lengths of 32-, 48- and 64-byte digests (SHA-256, -384, -512), with their padding. */
const digestPadding: ReadonlyMap<number, string> = new Map([
  [43, '='],
  [64, ''],
  [86, '=='],
]);

/**
 * Whether a token is shaped like a digest in base64 or base64url: the HMAC mapper's 43 characters, or a
 * SHA-384/512 one, mixing capitals, small letters and digits as random bytes do. Random bytes put a digit
 * run that reads as a phone number (`…77-35345C0Q`, `Z+1056100`) into about 1 in 100,000 such tokens,
 * and the platform would refuse that user's id forever, so their digit stretches are noise. An email
 * encoded in one is still found: that check reads the raw value.
 */
function isDigestShaped(token: string): boolean {
  const body = token.replace(/=+$/, '');
  const padding = digestPadding.get(body.length);
  if (padding === undefined || (body.length < token.length && token.slice(body.length) !== padding))
    return false;
  return /[A-Z]/.test(body) && /[a-z]/.test(body) && /\d/.test(body);
}

const ipv4Pattern =
  /(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?![\d.])/;

// ---- phone numbers ----------------------------------------------------------------------------------

// A stretch of phone characters: an optional `+`, then digits with spaces, dots, dashes, parentheses.
const phoneStretch = /\+?\(?\d[\d\s().-]*\d/g;
const isoDate = /^\d{4}-\d{2}-\d{2}$/;
// Ten digits shaped like a North American number (the area code starts 2-9), optionally after a 1:
// `user-5551234567`. Shorter and longer bare runs (counters, Unix times, snowflake ids) are not phones.
const bareNorthAmerican = /(?<!\d)1?[2-9]\d{9}(?!\d)/;
// Ten or eleven digits after a national trunk 0 (`07700900123` in the UK, `0612345678` in France).
// Zero-padded counters (`000001234567`) start with more than one 0.
const bareTrunkPrefixed = /(?<!\d)0[1-9]\d{8,9}(?!\d)/;

function containsPhone(text: string): boolean {
  if (bareNorthAmerican.test(text) || bareTrunkPrefixed.test(text)) return true;
  for (const [stretch] of text.matchAll(phoneStretch)) {
    const trimmed = stretch.trim();
    if (isoDate.test(trimmed)) continue;
    const digits = trimmed.replace(/\D/g, '').length;
    const hasPlus = trimmed.startsWith('+');
    const separated = /[\s().-]/.test(trimmed);
    // Bare digit runs without `+` are ids more often than phones (counters, timestamps): only a `+`
    // or the usual separators make them a number to dial. `555-123-4567 x89`: the stretch stops at
    // the extension.
    if (digits >= 7 && digits <= 15 && (hasPlus || separated)) return true;
  }
  return false;
}

// ---- payment cards ----------------------------------------------------------------------------------

const cardCandidate = /(?<!\d)\d(?:[ -]?\d){11,18}(?!\d)/g;
/** Issuer prefixes and lengths of the networks in wide use. */
const cardNetworks: readonly [RegExp, readonly number[]][] = [
  [/^4/, [13, 16, 19]], // Visa
  [/^(5[1-5]|2(2[2-9][1-9]|2[3-9]\d|[3-6]\d\d|7[01]\d|720))/, [16]], // Mastercard
  [/^3[47]/, [15]], // American Express
  [/^(6011|65|64[4-9])/, [16, 17, 18, 19]], // Discover
  [/^35(2[89]|[3-8]\d)/, [16, 17, 18, 19]], // JCB
  [/^(30[0-5]|36|3[89])/, [14, 15, 16]], // Diners Club
  [/^62/, [16, 17, 18, 19]], // UnionPay
  [/^(50|5[6-9]|6[0-9])/, [12, 13, 14, 15, 16, 17, 18, 19]], // Maestro
];

function containsPaymentCard(text: string): boolean {
  for (const [candidate] of text.matchAll(cardCandidate)) {
    const digits = candidate.replace(/\D/g, '');
    const network = cardNetworks.some(
      ([prefix, lengths]) => prefix.test(digits) && lengths.includes(digits.length),
    );
    if (network && passesLuhn(digits)) return true;
  }
  return false;
}

// ---- IBANs ------------------------------------------------------------------------------------------

/** IBAN lengths by country (ISO 13616 registry), for the countries most likely to appear. */
const ibanLengths: Readonly<Record<string, number>> = {
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BR: 29,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MR: 27,
  MT: 31,
  MU: 30,
  NL: 18,
  NO: 15,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  SA: 24,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  TN: 24,
  TR: 26,
  UA: 29,
  VG: 24,
  XK: 20,
};
// Written in capitals, optionally in groups of four: `DE89 3704 0044 0532 0130 00`.
const ibanCandidate = /(?<![A-Z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}(?![A-Z0-9])/g;

function containsIban(text: string): boolean {
  for (const [candidate] of text.matchAll(ibanCandidate)) {
    const iban = candidate.replace(/ /g, '');
    if (ibanLengths[iban.slice(0, 2)] === iban.length && passesIbanMod97(iban)) return true;
  }
  return false;
}

// ---- national ids -----------------------------------------------------------------------------------

// US SSN, written with dashes or spaces; areas 000, 666 and 900-999, group 00 and serial 0000 are never issued.
const usSsn = /(?<!\d)(?!000|666|9\d\d)\d{3}([- ])(?!00)\d{2}\1(?!0000)\d{4}(?!\d)/;
// UK National Insurance number: two prefix letters (D, F, I, Q, U, V never; O never second; some
// pairs never), six digits, suffix A-D.
const ukNino =
  /(?<![a-z0-9])(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D](?![a-z0-9])/i;
// Canadian SIN, written in three groups of three; Luhn-valid.
const canadianSin = /(?<!\d)\d{3}[- ]\d{3}[- ]\d{3}(?!\d)/g;
const spanishId = /(?<![a-z0-9])(?:\d{8}|[XYZ]\d{7})-?[A-Z](?![a-z0-9])/gi;
// French NIR: sex, year, month (or 20 / 3x-4x for special cases kept simple), then 10 digits with key.
const frenchNir =
  /(?<!\d)[12] ?\d{2} ?(?:0[1-9]|1[0-2]|[2-9]\d) ?(?:\d{2}|2[AB]) ?\d{3} ?\d{3} ?\d{2}(?!\d)/g;
const italianFiscalCode = /(?<![A-Z0-9])[A-Z]{6}\d{2}[A-EHLMPR-T]\d{2}[A-Z]\d{3}[A-Z](?![A-Z0-9])/;
const brazilianCpf = /(?<!\d)\d{3}\.\d{3}\.\d{3}-\d{2}(?!\d)/g;

function containsNationalId(text: string): boolean {
  if (usSsn.test(text) || ukNino.test(text) || italianFiscalCode.test(text)) return true;
  for (const [candidate] of text.matchAll(canadianSin)) {
    if (passesLuhn(candidate.replace(/\D/g, ''))) return true;
  }
  for (const [candidate] of text.matchAll(spanishId)) {
    if (passesSpanishIdLetter(candidate.replace('-', ''))) return true;
  }
  for (const [candidate] of text.matchAll(frenchNir)) {
    const digits = candidate.replace(/ /g, '');
    // Corsica's 2A/2B count as 19/18 in the key.
    const numeric = digits.replace(/^(\d{5})2A/, '$119').replace(/^(\d{5})2B/, '$118');
    if (/^\d{15}$/.test(numeric) && passesFrenchNirKey(numeric)) return true;
  }
  for (const [candidate] of text.matchAll(brazilianCpf)) {
    if (passesCpfCheck(candidate.replace(/\D/g, ''))) return true;
  }
  return false;
}
