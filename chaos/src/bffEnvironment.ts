import { createHmac, randomBytes } from 'node:crypto';
import type { CountingSim } from './startCountingSim.js';

/** Secrets every BFF of one scenario shares, as several instances of one deployment would. */
export interface BffSecrets {
  pseudonymKey: string;
  sessionSecret: string;
}

/** A public https origin: production refuses development origins such as the Vite dev server's. */
export const allowedOrigin = 'https://app.example.test';

export function generateBffSecrets(): BffSecrets {
  return {
    pseudonymKey: randomBytes(48).toString('base64url'),
    sessionSecret: randomBytes(48).toString('base64url'),
  };
}

/** Where a simulator listens and its credentials: a `CountingSim`, or one running as its own process. */
export interface PlatformEndpoint {
  url: string;
  sim: Pick<CountingSim['sim'], 'apiKey' | 'apiSecret' | 'systemExternalUserId'>;
}

/** A production environment of the example BFF, pointed at the harness's simulator. */
export function bffEnvironment(
  sim: PlatformEndpoint,
  secrets: BffSecrets,
  store: { databaseUrl: string } | { dataDir: string },
): Record<string, string> {
  return {
    KNEWTON_API_URL: sim.url,
    KNEWTON_API_KEY: sim.sim.apiKey,
    KNEWTON_API_SECRET: sim.sim.apiSecret,
    KNEWTON_SYSTEM_EXTERNAL_USER_ID: sim.sim.systemExternalUserId,
    KNEWTON_PSEUDONYM_KEY: secrets.pseudonymKey,
    SESSION_SECRET: secrets.sessionSecret,
    ALLOWED_ORIGINS: allowedOrigin,
    NODE_ENV: 'production',
    // The harness signs hundreds of users in from one address; the per-address demo sign-in limit is for
    // browsers on the open internet, not for this load.
    SIGN_IN_RATE_LIMIT: '0',
    ...('databaseUrl' in store ? { DATABASE_URL: store.databaseUrl } : { DATA_DIR: store.dataDir }),
  };
}

/**
 * The external id the BFF sends for `userId` (`base64url(HMAC-SHA256(key, "v1:" + id))`), so
 * the harness can tell which user each platform account belongs to.
 */
export function externalIdOf(secrets: BffSecrets, userId: string): string {
  return createHmac('sha256', secrets.pseudonymKey)
    .update(`v1:${userId}`, 'utf8')
    .digest('base64url');
}
