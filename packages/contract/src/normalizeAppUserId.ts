/** Longest app user id accepted, in UTF-16 code units after normalization. */
export const maxAppUserIdLength = 512;

export type AppUserIdProblem =
  | 'not_a_string'
  | 'empty'
  | 'too_long'
  | 'lone_surrogate'
  | 'control_or_format_character';

/**
 * An app user id that cannot name an account. The message says what is wrong and where (index and code
 * point) but never quotes the id: it may be personal data. The BFF answers it with 400 `bad_request`.
 */
export class AppUserIdError extends TypeError {
  override name = 'AppUserIdError' as const;
  readonly problem: AppUserIdProblem;

  constructor(problem: AppUserIdProblem, message: string) {
    super(message);
    this.problem = problem;
  }
}

export function isAppUserIdError(error: unknown): error is AppUserIdError {
  return error instanceof AppUserIdError || (error as Error | undefined)?.name === 'AppUserIdError';
}

// With the `u` flag a surrogate range matches only surrogates that are not part of a pair.
const loneSurrogate = /[\uD800-\uDFFF]/u;
// Cc (C0, DEL, C1 including U+0085 NEL), Cf (zero-width spaces and joiners, bidi embeddings, overrides
// and isolates, the BOM, soft hyphen...), and the line and paragraph separators U+2028/U+2029. None of
// them is visible, so two ids that differ only by one would look identical to a person.
const invisibleCharacter = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
// Printable ASCII is already NFC and holds none of the above: most ids skip the Unicode work.
const printableAscii = /^[\x20-\x7e]*$/;

/**
 * The one spelling of an app user id that the kit stores and compares: well-formed UTF-16, no control or
 * format characters, Unicode NFC. `ensureAccount`, `getAccount`, the BFF routes and the example BFF's
 * sign-in all apply it, so `"é"` typed precomposed (U+00E9) and decomposed (`e` + U+0301) is one user.
 * Lone surrogates are refused, never replaced with U+FFFD (which would give `a\uD800b` and `a\uDC00b`
 * one account). Other whitespace is kept as given: the host's ids are its own.
 * @throws {AppUserIdError} when the id is not a string, is empty, too long, or holds a refused character.
 */
export function normalizeAppUserId(appUserId: unknown): string {
  if (typeof appUserId !== 'string') {
    throw new AppUserIdError(
      'not_a_string',
      `The app user id must be a string, got ${describe(appUserId)}.`,
    );
  }
  if (appUserId === '') throw new AppUserIdError('empty', 'The app user id must not be empty.');
  // Checked before normalizing too, so an enormous input costs no Unicode work.
  if (appUserId.length > maxAppUserIdLength * 4) throw tooLong();
  if (printableAscii.test(appUserId)) {
    if (appUserId.length > maxAppUserIdLength) throw tooLong();
    return appUserId;
  }
  const surrogate = loneSurrogate.exec(appUserId);
  if (surrogate !== null) {
    throw new AppUserIdError(
      'lone_surrogate',
      `The app user id is not well-formed UTF-16: a lone surrogate ${codePoint(surrogate[0])} at index ${surrogate.index}.`,
    );
  }
  const invisible = invisibleCharacter.exec(appUserId);
  if (invisible !== null) {
    throw new AppUserIdError(
      'control_or_format_character',
      `The app user id contains the control or format character ${codePoint(invisible[0])} at index ${invisible.index}.`,
    );
  }
  const normalized = appUserId.normalize('NFC');
  if (normalized.length > maxAppUserIdLength) throw tooLong();
  return normalized;
}

function tooLong(): AppUserIdError {
  return new AppUserIdError(
    'too_long',
    `The app user id must be at most ${maxAppUserIdLength} UTF-16 code units (after NFC normalization).`,
  );
}

function codePoint(character: string): string {
  return `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
