import { describe, expect, it } from 'vitest';
import { AppUserIdError, maxAppUserIdLength, normalizeAppUserId } from './index.js';

function problemOf(value: unknown): string | undefined {
  try {
    normalizeAppUserId(value);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(AppUserIdError);
    return (error as AppUserIdError).problem;
  }
}

describe('normalizeAppUserId', () => {
  it.each([
    ['user-42', 'user-42'],
    ['jane.doe@example.com', 'jane.doe@example.com'],
    ['  spaced  ', '  spaced  '],
    ['Zoë', 'Zoë'],
    ['😀 emoji (a surrogate pair)', '😀 emoji (a surrogate pair)'],
    ['x'.repeat(maxAppUserIdLength), 'x'.repeat(maxAppUserIdLength)],
  ])('keeps the well-formed id %j', (given, expected) => {
    expect(normalizeAppUserId(given)).toBe(expected);
  });

  it('maps canonically equivalent spellings to one id (NFC)', () => {
    const decomposed = 'Jose\u0301';
    const precomposed = 'Jos\u00e9';
    expect(decomposed).not.toBe(precomposed);
    expect(normalizeAppUserId(decomposed)).toBe(precomposed);
    expect(normalizeAppUserId(precomposed)).toBe(precomposed);
    // Hangul jamo compose too.
    expect(normalizeAppUserId('\u1100\u1161')).toBe('\uac00');
  });

  it('refuses lone surrogates instead of replacing them with U+FFFD', () => {
    expect(problemOf('a\ud800b')).toBe('lone_surrogate');
    expect(problemOf('a\udc00b')).toBe('lone_surrogate');
    expect(problemOf('trailing\ud83d')).toBe('lone_surrogate');
    expect(problemOf('\ude00leading')).toBe('lone_surrogate');
    expect(normalizeAppUserId('a\ufffdb')).toBe('a\ufffdb');
    expect(() => normalizeAppUserId('a\ud800b')).toThrow(
      'The app user id is not well-formed UTF-16: a lone surrogate U+D800 at index 1.',
    );
  });

  it.each([
    ['NUL', 'a\u0000b'],
    ['tab', 'a\tb'],
    ['newline', 'a\nb'],
    ['DEL', 'a\u007fb'],
    ['NEL U+0085', 'a\u0085b'],
    ['line separator U+2028', 'a\u2028b'],
    ['paragraph separator U+2029', 'a\u2029b'],
    ['zero-width space U+200B', 'a\u200bb'],
    ['zero-width joiner U+200D', 'a\u200db'],
    ['BOM U+FEFF', '\ufeffab'],
    ['soft hyphen U+00AD', 'a\u00adb'],
    ['right-to-left override U+202E', 'a\u202eb'],
    ['left-to-right isolate U+2066', 'a\u2066b'],
    ['word joiner U+2060', 'a\u2060b'],
    ['tag character U+E0041', 'a\u{e0041}b'],
  ])('refuses the %s', (_label, value) => {
    expect(problemOf(value)).toBe('control_or_format_character');
  });

  it('names the character and its index, never the id', () => {
    const failure = (() => {
      try {
        normalizeAppUserId('jane\u202e@example.com');
      } catch (error) {
        return error as Error;
      }
      return undefined;
    })();
    expect(failure?.message).toBe(
      'The app user id contains the control or format character U+202E at index 4.',
    );
    expect(failure?.message).not.toContain('jane');
  });

  it.each([
    ['a number', 42, 'not_a_string'],
    ['null', null, 'not_a_string'],
    ['undefined', undefined, 'not_a_string'],
    ['an empty string', '', 'empty'],
    ['too many characters', 'x'.repeat(maxAppUserIdLength + 1), 'too_long'],
    ['a huge non-ASCII string', 'é'.repeat(10_000), 'too_long'],
  ])('refuses %s', (_label, value, problem) => {
    expect(problemOf(value)).toBe(problem);
  });
});
