import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { devSecretsFile, loadDevSecrets } from './loadDevSecrets.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kk-dev-secrets-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('loadDevSecrets', () => {
  it('generates strong secrets once, owner-readable only, and reads the same ones back', async () => {
    const dataDir = join(dir, 'nested', '.data');
    const first = await loadDevSecrets(dataDir);
    expect(first.generated).toBe(true);
    expect(Buffer.byteLength(first.pseudonymKey)).toBeGreaterThanOrEqual(32);
    expect(first.pseudonymKey).not.toBe(first.sessionSecret);
    expect((await stat(join(dataDir, devSecretsFile))).mode & 0o777).toBe(0o600);

    const second = await loadDevSecrets(dataDir);
    expect(second).toMatchObject({
      generated: false,
      pseudonymKey: first.pseudonymKey,
      sessionSecret: first.sessionSecret,
    });
  });

  it('many starts at once end up with the same secrets and never read a half-written file', async () => {
    for (let round = 0; round < 20; round++) {
      const dataDir = join(dir, `round-${round}`);
      const all = await Promise.all(Array.from({ length: 8 }, () => loadDevSecrets(dataDir)));
      expect(new Set(all.map((s) => s.pseudonymKey)).size).toBe(1);
      expect(all.filter((s) => s.generated)).toHaveLength(1);
      expect(await readdir(dataDir)).toEqual([devSecretsFile]);
    }
  });

  it('without a folder the secrets live only as long as the process', async () => {
    const a = await loadDevSecrets(undefined);
    const b = await loadDevSecrets(undefined);
    expect(a.path).toBeUndefined();
    expect(a.pseudonymKey).not.toBe(b.pseudonymKey);
  });

  it('refuses a file that is not a dev secrets file', async () => {
    await writeFile(join(dir, devSecretsFile), '{"something":"else"}');
    await expect(loadDevSecrets(dir)).rejects.toThrow(/not a dev secrets file/);
  });
});
