import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findPii, looksLikePii, type PiiKind } from './index.js';

/** What a custom external id mapper might return that must never reach the platform. */
const mustRefuse: readonly [string, PiiKind][] = [
  // Emails, plain and disguised.
  ['jane@example.com', 'email'],
  ['x jane.doe+tag@mail.co.uk y', 'email'],
  ['jane at example.com', 'email'],
  ['jane AT example DOT com', 'email'],
  ['jane [at] example [dot] com', 'email'],
  ['jane(at)example.com', 'email'],
  ['jane_at_example.com', 'email'],
  ['jane＠example.com', 'email'],
  ['ｊａｎｅ＠ｅｘａｍｐｌｅ．ｃｏｍ', 'email'],
  ['jane﹫example.com', 'email'],
  ['jane%40example.com', 'email'],
  ['jane&#64;example.com', 'email'],
  ['jane\u200b@\u200bexample.com', 'email'],
  ['amFuZUBleGFtcGxlLmNvbQ==', 'email'], // base64
  ['amFuZUBleGFtcGxlLmNvbQ', 'email'], // base64url, unpadded
  ['u-amFuZS5kb2VAZXhhbXBsZS5jb20', 'email'], // base64url after an id prefix
  ['user:eyJlbWFpbCI6ImphbmVAZXhhbXBsZS5jb20ifQ', 'email'], // base64url JSON holding one
  ['6a616e65406578616d706c652e636f6d', 'email'], // hex
  // Phone numbers, inside ids too.
  ['+1 (555) 123-4567', 'phone'],
  ['5551234567', 'phone'],
  ['user-5551234567', 'phone'],
  ['user_555-123-4567', 'phone'],
  ['555-123-4567 x89', 'phone'],
  ['555.123.4567', 'phone'],
  ['tel:+15551234567', 'phone'],
  ['+442079460958', 'phone'],
  ['+44 20 7946 0958', 'phone'],
  ['07700 900123', 'phone'],
  ['07700900123', 'phone'],
  ['fr-0612345678', 'phone'],
  ['id-15551234567', 'phone'],
  // Payment cards: network prefix and length, Luhn-valid.
  ['4111111111111111', 'payment_card'],
  ['card-4111 1111 1111 1111', 'payment_card'],
  ['5500-0055-5555-5559', 'payment_card'],
  ['378282246310005', 'payment_card'],
  ['6011111111111117', 'payment_card'],
  ['3530111333300000', 'payment_card'],
  // IBANs (mod 97).
  ['DE89370400440532013000', 'iban'],
  ['GB82 WEST 1234 5698 7654 32', 'iban'],
  ['acct-FR1420041010050500013M02606', 'iban'],
  ['NL91ABNA0417164300', 'iban'],
  // National ids.
  ['123-45-6789', 'national_id'], // US SSN
  ['ssn 078 05 1120', 'national_id'],
  ['AB123456C', 'national_id'], // UK NINO
  ['nino:AB 12 34 56 C', 'national_id'],
  ['046 454 286', 'national_id'], // Canadian SIN (Luhn)
  ['12345678Z', 'national_id'], // Spanish DNI
  ['X1234567L', 'national_id'], // Spanish NIE
  ['2940375120005 91', 'national_id'], // French NIR
  ['1 85 05 78 006 084 91', 'national_id'],
  ['RSSMRA85T10A562S', 'national_id'], // Italian codice fiscale
  ['111.444.777-35', 'national_id'], // Brazilian CPF
  // 43 characters like the HMAC mapper's, but with no capitals: not taken for a digest.
  ['student-555-123-4567-of-springfield-high-sc', 'phone'],
  // A 32-byte text holding an email, in base64url: digest-shaped, and still found.
  ['amFuZS5kb2VAZXhhbXBsZS5jb20tMDEyMzQ1Njc4OWE', 'email'],
  ['192.168.0.12', 'ip_address'],
];

/** Opaque ids hosts really use: none of them may be refused. */
const mustPass: readonly string[] = [
  // A hex digest fast-check once found read as a national id (`…60299148a…` as a Spanish DNI).
  '00000000000000000000000000000000000000008a262373960299148a000000',
  'user-42',
  'u12345678',
  'a8f3e2',
  'order 12345',
  'partner-000001234567',
  'evt-1733040000000', // a millisecond timestamp
  '1733040000000123', // microseconds
  '175928847299117063', // a snowflake id
  'google-oauth2|104302393845892014123',
  'auth0|5f7c8ec7c33c6c004bbafe82',
  '507f1f77bcf86cd799439011', // a MongoDB ObjectId
  'cus_NffrFeUfNV2Hib',
  '8aGz2wKq7Rf3XyLm9PqT1vB4nC62', // a Firebase uid
  'a8f3e2c1-77b0-4c2e-9d1e-3f0b2a6c9e11',
  'e8efb165-1234-4321-9999-abcdefabcdef-SystemUser',
  'qL0pVx7-JZ3_wS9mN2bT5cR8yK1dF4hG6jA0eU3iO7w',
  // HMAC mapper outputs (and a base64 digest) whose digit runs read as phone numbers
  // (`1zi0lRrYBMC0fGvKjt9-605094F7`, `+0595018`): the simulator refused them, and those users never
  // got an account. About 1 in 100,000 default ids looked like this.
  '8GuHRa2-1zi0lRrYBMC0fGvKjt9-605094F7T9hnHfw',
  'hcEiQQol3y5GfcXKR0Jy215496-0cOmAYbcGxV7gkOg',
  'r8/6vGTTE+0595018gsmC40udJYYKQCMoyKNiWuQKi0=',
  'customer_2024-01-15',
  'v1.2.3-build.45678',
  'at home',
  'meet-at-noon',
  'DE89370400440532013001', // an IBAN shape with a wrong check
  '4111111111111112', // a card shape failing Luhn
  '1234567812345678', // no network starts with 1
  'ab1234567', // too short for a NINO
];

describe('findPii refuses', () => {
  it.each(mustRefuse)('%s (%s)', (value, kind) => {
    expect(findPii(value)).toBe(kind);
    expect(looksLikePii(value)).toBe(true);
  });

  it('what a custom mapper doing `id.replace("@", " at ")` returns', () => {
    for (const id of ['jane@example.com', 'ada.lovelace@school.ac.uk', 'x+y@mail.io']) {
      expect(findPii(id.replace('@', ' at ')), id).toBe('email');
    }
  });
});

describe('findPii passes', () => {
  it.each(mustPass)('%s', (value) => {
    expect(findPii(value)).toBeUndefined();
  });

  it('random UUIDs', () => {
    fc.assert(
      fc.property(fc.uuid(), (uuid) => findPii(uuid) === undefined),
      { numRuns: 5_000 },
    );
  });

  // Without bias: fast-check favours small bytes, and a digest's bytes are uniform. (Biased arrays of
  // mostly zero bytes encode as `AAAA…Z+1056100AAAA…`, no small letters, which is no digest's shape.)
  it('random 32-byte digests in base64url (the HMAC mapper’s shape), base64 and hex', () => {
    fc.assert(
      fc.property(fc.noBias(fc.uint8Array({ minLength: 32, maxLength: 32 })), (bytes) => {
        const binary = String.fromCharCode(...bytes);
        const base64 = btoa(binary);
        const base64url = base64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
        const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
        return [base64url, base64, hex].every((digest) => findPii(digest) === undefined);
      }),
      { numRuns: 5_000 },
    );
  });

  it('random 48- and 64-byte digests in base64url and base64', () => {
    fc.assert(
      fc.property(
        fc
          .oneof(fc.constant(48), fc.constant(64))
          .chain((length) => fc.noBias(fc.uint8Array({ minLength: length, maxLength: length }))),
        (bytes) => {
          const base64 = btoa(String.fromCharCode(...bytes));
          const base64url = base64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
          return findPii(base64url) === undefined && findPii(base64) === undefined;
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('opaque ids of letters and up to nine digits', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z]{1,8}[-_:]?[0-9]{1,9}$/),
        (id) => findPii(id) === undefined,
      ),
      { numRuns: 2_000 },
    );
  });
});
