import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { looksLikePii } from './looksLikePii.js';

describe('looksLikePii', () => {
  it('flags email addresses and phone numbers', () => {
    for (const value of ['ada@example.com', 'prefix-ada.lovelace@school.ac.uk', 'x user@mail.io']) {
      expect(looksLikePii(value), value).toBe('an email address');
    }
    for (const value of ['+1 (555) 123-4567', '07700 900123', '555.123.4567', '+442071838750']) {
      expect(looksLikePii(value), value).toBe('a phone number');
    }
  });

  it('never flags pseudonymous ids (base64url HMACs, UUIDs, short numbers)', () => {
    expect(looksLikePii('e8efb165-1234-4321-9999-abcdefabcdef-SystemUser')).toBeUndefined();
    expect(looksLikePii('12345')).toBeUndefined();
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
        expect(looksLikePii(Buffer.from(bytes).toString('base64url'))).toBeUndefined();
      }),
    );
    fc.assert(
      fc.property(fc.uuid(), (uuid) => {
        expect(looksLikePii(uuid)).toBeUndefined();
      }),
    );
  });
});
