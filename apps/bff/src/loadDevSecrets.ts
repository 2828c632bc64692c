import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface DevSecrets {
  pseudonymKey: string;
  sessionSecret: string;
}

export interface LoadedDevSecrets extends DevSecrets {
  /** Where they are kept; `undefined` when generated for this process only. */
  path: string | undefined;
  /** Whether this call generated them (first start), as opposed to reading them back. */
  generated: boolean;
}

export const devSecretsFile = 'dev-secrets.json';

function generate(): DevSecrets {
  return {
    pseudonymKey: randomBytes(48).toString('base64url'),
    sessionSecret: randomBytes(48).toString('base64url'),
  };
}

/**
 * Development-only secrets for a zero-configuration start with the simulator. They are kept in
 * `dataDir` (file mode 0600) so external ids and sessions stay stable across restarts, in step with the
 * PGlite data beside them; without a `dataDir` they live as long as the process.
 */
export async function loadDevSecrets(dataDir: string | undefined): Promise<LoadedDevSecrets> {
  if (dataDir === undefined) return { ...generate(), path: undefined, generated: true };
  const path = join(dataDir, devSecretsFile);
  const existing = await readDevSecrets(path);
  if (existing) return { ...existing, path, generated: false };
  await mkdir(dataDir, { recursive: true });
  const secrets = generate();
  // Written whole under a private name, then published with link(2): it fails with EEXIST if another
  // process published first, and nobody can ever read a half-written file.
  const draft = `${path}.${process.pid}.${randomBytes(6).toString('hex')}`;
  await writeFile(draft, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(draft, path);
  } catch (error) {
    const theirs =
      (error as NodeJS.ErrnoException).code === 'EEXIST' && (await readDevSecrets(path));
    if (theirs) return { ...theirs, path, generated: false };
    throw error;
  } finally {
    await rm(draft, { force: true });
  }
  return { ...secrets, path, generated: true };
}

async function readDevSecrets(path: string): Promise<DevSecrets | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const json = JSON.parse(text) as Partial<DevSecrets>;
  if (typeof json.pseudonymKey !== 'string' || typeof json.sessionSecret !== 'string') {
    throw new Error(`${path} is not a dev secrets file; delete it to generate new secrets.`);
  }
  return { pseudonymKey: json.pseudonymKey, sessionSecret: json.sessionSecret };
}
