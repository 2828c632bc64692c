import { createPostgresStore } from '../../src/store/createPostgresStore.js';

/** A `CHILD_*` variable the parent test set; a child started without it fails at once, naming it. */
export function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

/** The simulator the parent test started, as platform options. */
export function childPlatform() {
  return {
    baseUrl: required('CHILD_SIM_URL'),
    apiKey: required('CHILD_API_KEY'),
    apiSecret: required('CHILD_API_SECRET'),
    systemExternalUserId: required('CHILD_SYSTEM_ID'),
  };
}

/** The parent test's PostgreSQL schema, shared by every child. */
export function openChildStore() {
  return createPostgresStore({
    connectionString: required('CHILD_DATABASE_URL'),
    schema: required('CHILD_SCHEMA'),
  });
}
