// Compiled by `tsc -p .` with `exactOptionalPropertyTypes` (what `tsc --init` writes): a host fills the
// kit's options from values that may be undefined (environment variables, its own optional settings),
// and an explicit `undefined` must mean "the default", as leaving the option out does. Never run.
import { createKnewtonBff, createPostgresStore, type KnewtonBffOptions } from '@knewton-kit/bff';

export function optionsFromTheEnvironment(env: Record<string, string | undefined>) {
  const number = (name: string) => (env[name] === undefined ? undefined : Number(env[name]));
  const required = (name: string) => env[name] ?? missing(name);
  const options: KnewtonBffOptions = {
    authenticate: () => undefined,
    basePath: env.KNEWTON_BASE_PATH,
    logger: undefined,
    platform: {
      baseUrl: required('KNEWTON_API_URL'),
      apiKey: required('KNEWTON_API_KEY'),
      apiSecret: required('KNEWTON_API_SECRET'),
      systemExternalUserId: required('KNEWTON_SYSTEM_EXTERNAL_USER_ID'),
      timeoutMs: number('KNEWTON_TIMEOUT_MS'),
    },
    externalIds: { key: required('KNEWTON_PSEUDONYM_KEY'), keyVersion: env.KNEWTON_KEY_VERSION },
    limits: { maxBodyBytes: number('MAX_BODY_BYTES'), maxQueuedCreations: undefined },
    learning: {
      graphId: required('KNEWTON_GRAPH_ID'),
      maxPendingEvents: number('MAX_PENDING_EVENTS'),
      moduleIds: undefined,
    },
  };
  return createKnewtonBff(options);
}

export function storeFromTheEnvironment(env: Record<string, string | undefined>) {
  return createPostgresStore({
    connectionString: env.DATABASE_URL ?? missing('DATABASE_URL'),
    schema: env.DATABASE_SCHEMA,
    max: undefined,
  });
}

function missing(name: string): never {
  throw new Error(`${name} is required`);
}
