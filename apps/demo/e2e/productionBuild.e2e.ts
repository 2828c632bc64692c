import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const demoRoot = new URL('../', import.meta.url).pathname;
const viteBin = join(
  createRequire(join(demoRoot, 'package.json')).resolve('vite/package.json'),
  '../bin/vite.js',
);
const outDir = mkdtempSync(join(tmpdir(), 'knewton-demo-build-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('the production build of the demo', () => {
  it('leaves out the React Query Devtools and the developer panel', () => {
    // Built the way a user builds it (`vite build`, NODE_ENV=production), not inside the test's Vite.
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production' };
    for (const name of ['VITEST', 'VITEST_MODE', 'VITEST_POOL_ID', 'VITEST_WORKER_ID', 'TEST'])
      delete env[name];
    const built = spawnSync(
      process.execPath,
      [viteBin, 'build', '--outDir', outDir, '--emptyOutDir', '--sourcemap', 'false'],
      {
        cwd: demoRoot,
        env,
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    expect(built.status, built.stderr).toBe(0);

    const assets = join(outDir, 'assets');
    const scripts = readdirSync(assets).filter((name) => name.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(0);
    const code = scripts.map((name) => readFileSync(join(assets, name), 'utf8')).join('\n');

    // Present in the app itself, so the search below would find the others if they were there.
    expect(code.includes('Recommended next')).toBe(true);
    const devOnly = [
      'ReactQueryDevtools',
      'tsqd-',
      'Developer panel',
      '/api/dev/platform-faults',
      'jsxDEV',
    ];
    expect(devOnly.filter((text) => code.includes(text))).toEqual([]);
  });
});
