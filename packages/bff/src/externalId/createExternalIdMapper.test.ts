import { createHmac, randomBytes } from 'node:crypto';
import { looksLikePii } from '@knewton-kit/contract';
import { looksLikePii as simulatorRefusal } from '@knewton-kit/platform-sim';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidExternalIdError } from '../errors.js';
import { createExternalIdMapper } from './createExternalIdMapper.js';

const key = 'k'.repeat(32);

describe('createExternalIdMapper with a key', () => {
  it('computes base64url(HMAC-SHA256(key, "v1:" + appUserId)) and records the key version', async () => {
    const map = createExternalIdMapper({ key });
    const expected = createHmac('sha256', key).update('v1:user-1').digest('base64url');
    expect(await map('user-1')).toEqual({ externalId: expected, keyVersion: 'v1' });
  });

  it('is stable per user, differs between users, keys and key versions', async () => {
    const ids = await Promise.all([
      createExternalIdMapper({ key })('user-1'),
      createExternalIdMapper({ key })('user-1'),
      createExternalIdMapper({ key })('user-2'),
      createExternalIdMapper({ key: 'x'.repeat(32) })('user-1'),
      createExternalIdMapper({ key, keyVersion: 'v2' })('user-1'),
    ]);
    expect(ids[0]).toEqual(ids[1]);
    expect(new Set(ids.map((id) => id.externalId)).size).toBe(4);
    expect(ids[4]?.keyVersion).toBe('v2');
  });

  it('never lets the app user id show through, even when it is an email', async () => {
    const { externalId } = await createExternalIdMapper({ key })('jane.doe@example.com');
    expect(externalId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(looksLikePii(externalId)).toBe(false);
  });

  it('refuses short keys and odd key versions, naming the option', () => {
    expect(() => createExternalIdMapper({ key: 'short' })).toThrow('`externalIds.key`');
    expect(() => createExternalIdMapper({ key, keyVersion: 'has space' })).toThrow(
      '`externalIds.keyVersion`',
    );
    expect(() => createExternalIdMapper({ key, keyVersion: 'custom' })).toThrow(
      '`externalIds.keyVersion`',
    );
    expect(() => createExternalIdMapper({ key, map: (id: string) => id } as never)).toThrow(
      'not both',
    );
  });
});

describe('createExternalIdMapper with a host mapper', () => {
  it('passes opaque ids through, recorded as key version "custom"', async () => {
    const map = createExternalIdMapper({ map: async (id) => `partner-${id}` });
    expect(await map('u123')).toEqual({ externalId: 'partner-u123', keyVersion: 'custom' });
  });

  it.each([
    ['an email', () => 'jane@example.com'],
    ['a phone number', () => '+44 20 7946 0958'],
    ['an empty string', () => ''],
    ['a non-string', () => 42 as unknown as string],
    ['more than 256 characters', () => 'a'.repeat(257)],
    ['control characters', () => 'abc\ndef'],
  ])('refuses %s without quoting it', async (_label, output) => {
    const map = createExternalIdMapper({ map: output });
    const failure = await map('u1').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(InvalidExternalIdError);
    expect((failure as Error).message).not.toContain('jane');
  });

  it('refuses the raw app user id when it looks like PII, accepts it when opaque', async () => {
    const identity = createExternalIdMapper({ map: (id) => id });
    await expect(identity('555-123-4567')).rejects.toBeInstanceOf(InvalidExternalIdError);
    await expect(identity('a8f3e2')).resolves.toEqual({
      externalId: 'a8f3e2',
      keyVersion: 'custom',
    });
  });
});

describe('the PII net around host mappers', () => {
  it.each([
    ['`id.replace("@", " at ")`', (id: string) => id.replace('@', ' at ')],
    ['a fullwidth at sign', (id: string) => id.replace('@', '\uff20')],
    ['base64 of the id', (id: string) => Buffer.from(id).toString('base64')],
    [
      'base64url of the id behind a prefix',
      (id: string) => `u-${Buffer.from(id).toString('base64url')}`,
    ],
    ['hex of the id', (id: string) => Buffer.from(id).toString('hex')],
  ])('refuses a mapper passing the email through as %s', async (_label, disguise) => {
    const map = createExternalIdMapper({ map: disguise });
    const failure = await map('jane.doe@example.com').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(InvalidExternalIdError);
    expect((failure as Error).message).toBe(
      'The external id mapper returned a value that looks like PII (email)',
    );
  });

  it.each([
    ['a phone number inside an id', 'user-5551234567', 'phone'],
    ['a phone number with an extension', '555-123-4567 x89', 'phone'],
    ['a card number', 'card-4111111111111111', 'payment card'],
    ['an IBAN', 'DE89370400440532013000', 'iban'],
    ['a UK NINO', 'AB123456C', 'national id'],
    ['a US SSN', '078-05-1120', 'national id'],
  ])('refuses %s, naming the kind but not the value', async (_label, output, kind) => {
    const failure = await createExternalIdMapper({ map: () => output })('u1').catch(
      (error: unknown) => error,
    );
    expect((failure as Error).message).toBe(
      `The external id mapper returned a value that looks like PII (${kind})`,
    );
  });

  it('accepts UUIDs and opaque partner ids from a host mapper', async () => {
    const map = createExternalIdMapper({ map: (id) => id });
    for (const id of [
      'a8f3e2c1-77b0-4c2e-9d1e-3f0b2a6c9e11',
      'u12345678',
      'partner-000001234567',
    ]) {
      await expect(map(id)).resolves.toEqual({ externalId: id, keyVersion: 'custom' });
    }
  });

  // The simulator refuses what `findPii` flags, forever: one flagged default id is one user who never
  // gets an account. 100,000 ids take about a second alone, beyond vitest's 5 s on a loaded machine: a
  // correctness check, so its timeout is generous.
  it('makes 100,000 external ids of which the simulator refuses none', async () => {
    const map = createExternalIdMapper({ key: randomBytes(32).toString('hex') });
    const refused: string[] = [];
    for (let i = 0; i < 100_000; i++) {
      const { externalId } = await map(`user-${i}`);
      const reason = simulatorRefusal(externalId);
      if (reason !== undefined) refused.push(`${externalId}: ${reason}`);
    }
    expect(refused).toEqual([]);
  }, 60_000);

  it('never refuses the kit’s own HMAC mapper, whatever the app user id', async () => {
    const map = createExternalIdMapper({ key: randomBytes(32).toString('hex') });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.emailAddress(),
          fc.uuid(),
          fc.stringMatching(/^\+?[0-9 -]{7,15}$/),
        ),
        async (appUserId) => !looksLikePii((await map(appUserId)).externalId),
      ),
      { numRuns: 3_000 },
    );
  });
});

describe('createExternalIdMapper with versioned keys (rotation)', () => {
  const older = { version: 'v1', key: 'a'.repeat(32) };
  const newer = { version: 'v2', key: 'b'.repeat(32) };

  it('maps new users under the newest key, exactly as a single key of that version would', async () => {
    const rotated = createExternalIdMapper({ keys: [older, newer] });
    expect(await rotated('user-1')).toEqual(
      await createExternalIdMapper({ key: newer.key, keyVersion: 'v2' })('user-1'),
    );
    // The single key of today is the one-key list: nothing changes for existing deployments.
    expect(await createExternalIdMapper({ keys: [older] })('user-1')).toEqual(
      await createExternalIdMapper({ key: older.key })('user-1'),
    );
  });

  it('gives every generation its own external id, and the same one each time', async () => {
    const map = createExternalIdMapper({ keys: [older, newer] });
    const ids = await Promise.all([0, 1, 2, 1].map((g) => map.forGeneration('user-1', g)));
    expect(ids[1]).toEqual(ids[3]);
    expect(new Set(ids.map((id) => id.externalId)).size).toBe(3);
    expect(ids[1]?.externalId).toBe(
      createHmac('sha256', newer.key).update('v2/g1:user-1').digest('base64url'),
    );
    await expect(map.forGeneration('user-1', -1)).rejects.toThrow('generation');
  });

  it('keys tombstones under every configured key, newest first, never showing the user id', async () => {
    const before = await createExternalIdMapper({ keys: [older] }).userKeys('jane@example.com');
    const after = await createExternalIdMapper({ keys: [older, newer] }).userKeys(
      'jane@example.com',
    );
    expect(after).toHaveLength(2);
    expect(after[1]).toBe(before[0]);
    expect(after[0]?.startsWith('v2:')).toBe(true);
    for (const userKey of after) expect(userKey).not.toContain('jane');
    const { externalId } = await createExternalIdMapper({ keys: [older] })('jane@example.com');
    expect(before[0]).not.toContain(externalId);
  });

  it('refuses an empty list, short keys and repeated versions, naming the entry', () => {
    expect(() => createExternalIdMapper({ keys: [] })).toThrow('`externalIds.keys`');
    expect(() => createExternalIdMapper({ keys: [{ version: 'v1', key: 'short' }] })).toThrow(
      '`externalIds.keys[0].key`',
    );
    expect(() => createExternalIdMapper({ keys: [older, { ...newer, version: 'v1' }] })).toThrow(
      'twice',
    );
    expect(() => createExternalIdMapper({ keys: [older], key: older.key } as never)).toThrow(
      'not both',
    );
  });

  it('a host mapper gets a suffix per generation and a hashed tombstone key', async () => {
    const map = createExternalIdMapper({ map: (id) => `partner-${id}` });
    expect((await map.forGeneration('u1', 2)).externalId).toBe('partner-u1~g2');
    const [userKey] = await map.userKeys('u1');
    expect(userKey).toMatch(/^custom:[A-Za-z0-9_-]{43}$/);
  });
});
