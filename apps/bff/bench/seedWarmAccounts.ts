/**
 * Gives the warm-path benchmark's users their accounts before the servers start, as a backfill would:
 * one real account per user on the simulator process (`POST /v0/accounts` with the system token), and the
 * mapping rows in each server's PGlite folder, written through the store's own `withUserLock` + `insert`
 * with the external ids the servers derive themselves (same HMAC key). Provisioning through the BFF would
 * be paced at the platform's documented 750 creates/min, i.e. minutes for a few thousand users, and the
 * warm path is what is measured here, not creation.
 */
import { createPgliteStore } from '@knewton-kit/bff';
// Not public API; the benchmark lives in the workspace and maps ids exactly as the servers do.
import { createExternalIdMapper } from '../../../packages/bff/src/externalId/createExternalIdMapper.js';

export interface SeedOptions {
  simUrl: string;
  apiKey: string;
  apiSecret: string;
  systemExternalUserId: string;
  pseudonymKey: string;
  userIds: readonly string[];
  /** PGlite folders (one per server) that receive the same rows. */
  pgliteDirs: readonly string[];
}

async function systemToken(options: SeedOptions): Promise<string> {
  const response = await fetch(`${options.simUrl}/v0/oauth/token`, {
    method: 'POST',
    headers: {
      Authorization: `Basic ${Buffer.from(`${options.apiKey}:${options.apiSecret}`).toString('base64')}`,
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      scope: options.systemExternalUserId,
    }),
  });
  const body = (await response.json()) as { access_token?: string };
  if (!response.ok || body.access_token === undefined) {
    throw new Error(`simulator token request answered ${response.status}`);
  }
  return body.access_token;
}

export async function seedWarmAccounts(options: SeedOptions): Promise<void> {
  const token = await systemToken(options);
  const mapExternalId = createExternalIdMapper({ key: options.pseudonymKey });
  const rows: Array<{
    appUserId: string;
    externalId: string;
    keyVersion: string;
    accountId: string;
  }> = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < options.userIds.length) {
        const appUserId = options.userIds[next++] as string;
        const { externalId, keyVersion } = await mapExternalId(appUserId);
        const response = await fetch(`${options.simUrl}/v0/accounts`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ external_user_id: externalId }),
        });
        const body = (await response.json()) as { id?: string };
        if (!response.ok || body.id === undefined) {
          throw new Error(`simulator account create answered ${response.status}`);
        }
        rows.push({ appUserId, externalId, keyVersion, accountId: body.id });
      }
    }),
  );
  for (const dataDir of options.pgliteDirs) {
    const store = await createPgliteStore({ dataDir });
    try {
      for (const row of rows) await store.withUserLock(row.appUserId, (tx) => tx.insert(row));
    } finally {
      await store.close();
    }
  }
}
