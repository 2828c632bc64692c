import { join } from 'node:path';
import { createKnewtonBff, createPgliteStore, type KnewtonBff } from '@knewton-kit/bff';
import { sessionFromRequest } from './session.server';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

// One BFF per process, made on the first request (nothing opens at build time). On globalThis because a
// PGlite folder has one owner: a second module copy (dev server reloads) must find the same instance.
const shared = globalThis as { knewtonBff?: Promise<KnewtonBff> };

export function knewtonBff(): Promise<KnewtonBff> {
  shared.knewtonBff ??= (async () =>
    createKnewtonBff({
      authenticate: (request) => sessionFromRequest(request),
      platform: {
        baseUrl: required('KNEWTON_API_URL'),
        apiKey: required('KNEWTON_API_KEY'),
        apiSecret: required('KNEWTON_API_SECRET'),
        systemExternalUserId: required('KNEWTON_SYSTEM_EXTERNAL_USER_ID'),
      },
      store: await createPgliteStore({ dataDir: join(process.env.DATA_DIR ?? '.data', 'pglite') }),
      externalIds: { key: required('KNEWTON_PSEUDONYM_KEY') },
      allowedOrigins: required('ALLOWED_ORIGINS').split(','),
    }))();
  return shared.knewtonBff;
}

/** The signed-in user and their account id for server rendering (`undefined` when the platform is down). */
export async function sessionAccount(request: Request) {
  const userId = sessionFromRequest(request);
  if (userId === undefined) return { userId, accountId: undefined };
  try {
    const { account } = await (await knewtonBff()).provisioner.ensureAccount(userId);
    return { userId, accountId: account.accountId };
  } catch {
    // Platform down: render anyway; the gate stays closed and the browser retries.
    return { userId, accountId: undefined };
  }
}
