import { createHash } from 'node:crypto';

/** A UUID-shaped id derived from `seed`, so seeded things (system account, graphs) are stable across runs. */
export function deterministicUuid(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  const variant = ((Number.parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A non-negative integer below 2^48 derived from `seed` (safe as a JSON number and as a Java long). */
export function deterministicLong(seed: string): number {
  return Number.parseInt(createHash('sha256').update(seed).digest('hex').slice(0, 12), 16);
}
