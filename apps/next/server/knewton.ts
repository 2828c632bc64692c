import { join } from 'node:path';
import { createKnewtonBff, createPgliteStore, createPostgresStore } from '@knewton-kit/bff';
import { createKnewtonNext } from '@knewton-kit/bff/next';
import { sessionFromRequest } from './session';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/**
 * The app's one BFF. Nothing here runs at import: `next build` evaluates this module, and Next evaluates
 * it again per bundle layer at run time; `createKnewtonNext` creates the BFF on the first request and
 * keeps one per process (PGlite must have a single owner).
 */
export const knewton = createKnewtonNext(async () =>
  createKnewtonBff({
    authenticate: (request) => sessionFromRequest(request),
    platform: {
      baseUrl: required('KNEWTON_API_URL'),
      apiKey: required('KNEWTON_API_KEY'),
      apiSecret: required('KNEWTON_API_SECRET'),
      systemExternalUserId: required('KNEWTON_SYSTEM_EXTERNAL_USER_ID'),
    },
    store: process.env.DATABASE_URL
      ? await createPostgresStore({ connectionString: process.env.DATABASE_URL })
      : await createPgliteStore({ dataDir: join(process.env.DATA_DIR ?? '.data', 'pglite') }),
    externalIds: { key: required('KNEWTON_PSEUDONYM_KEY') },
    allowedOrigins: required('ALLOWED_ORIGINS').split(','),
  }),
);

/** The signed-in user's account id for server rendering, or `undefined` (the gate then asks itself). */
export async function accountIdFor(userId: string | undefined): Promise<string | undefined> {
  if (userId === undefined) return undefined;
  try {
    const { account } = await (await knewton.bff()).provisioner.ensureAccount(userId);
    return account.accountId;
  } catch {
    // Platform down: render the page anyway; the gate stays closed and retries in the browser.
    return undefined;
  }
}
