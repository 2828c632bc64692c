import type { PseudonymKey } from '@knewton-kit/bff';

/** Same rule as the library's `externalIds.keys[].version`. */
const versionPattern = /^[A-Za-z0-9_.-]{1,32}$/;

/**
 * `KNEWTON_PSEUDONYM_KEYS`: `version:key` pairs separated by commas, oldest first, the newest last (new
 * learners get it; stored mappings keep theirs). Messages name the entry by position and version, never
 * a key.
 */
export function parsePseudonymKeys(
  raw: string,
  minSecretBytes: number,
  problem: (message: string) => void,
): PseudonymKey[] | undefined {
  const keys: PseudonymKey[] = [];
  const seen = new Set<string>();
  const entries = raw.split(',').map((entry) => entry.trim());
  for (const [index, entry] of entries.entries()) {
    const at = `KNEWTON_PSEUDONYM_KEYS entry ${index + 1}`;
    const colon = entry.indexOf(':');
    const version = colon === -1 ? '' : entry.slice(0, colon);
    const key = colon === -1 ? '' : entry.slice(colon + 1);
    if (!versionPattern.test(version) || version === 'custom') {
      problem(
        `${at} must be version:key, the version 1-32 letters, digits, ".", "_" or "-" (e.g. v2:$(openssl rand -base64 48)).`,
      );
      return undefined;
    }
    if (seen.has(version)) {
      problem(`${at} repeats version ${version}.`);
      return undefined;
    }
    if (Buffer.byteLength(key, 'utf8') < minSecretBytes) {
      problem(`${at} (version ${version}) has a key shorter than ${minSecretBytes} bytes.`);
      return undefined;
    }
    seen.add(version);
    keys.push({ version, key });
  }
  return keys;
}
