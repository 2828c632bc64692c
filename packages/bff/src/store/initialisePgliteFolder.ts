import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute } from 'node:path';
import { describeCause } from './describeCause.js';

/**
 * Run in the child: PGlite's CommonJS entry (resolved by the parent, so the child needs no module
 * resolution of its own) initialises the folder on its first open, then closes it.
 */
const marker = 'PGLITE_INIT_FAILED ';
const childScript = `
const marker = ${JSON.stringify(marker)};
const { PGlite } = require(process.argv[1]);
const pglite = new PGlite(process.argv[2]);
pglite.waitReady.then(() => pglite.close()).then(
  () => process.exit(0),
  (error) => {
    const { name, errno, code, message } = error ?? {};
    process.stderr.write('\\n' + marker + JSON.stringify({ name, errno, code, message: message ?? String(error) }) + '\\n');
    process.exit(1);
  },
);
`;

/** The longest a first open may take (initdb takes 2–5 s on a loaded two-core machine). */
const initialiseTimeoutMs = 120_000;

/**
 * PGlite's CommonJS entry as a file on disk, or `undefined` where a bundler took over module resolution
 * (Next.js's server bundle answers `require.resolve` with a module id such as `93254`, which a child
 * process cannot load).
 */
function pgliteEntryOnDisk(): string | undefined {
  try {
    const entry = String(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
    return isAbsolute(entry) && existsSync(entry) ? entry : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs PGlite's initdb for a fresh folder in a short-lived child process and resolves `true`; resolves
 * `false`, having done nothing, when PGlite is not a file a child can load (a bundled server): the caller
 * then initialises in process. In the process that runs it, initdb leaves about 760 MiB resident even
 * after that instance is closed (WASM memory V8 does not give back), against about 175 MiB for an
 * instance that opens an initialised folder; so the serving process only opens initialised folders when
 * it can. The caller holds the folder's lock meanwhile.
 */
export function initialisePgliteFolder(dataDir: string): Promise<boolean> {
  const pgliteEntry = pgliteEntryOnDisk();
  if (pgliteEntry === undefined) return Promise.resolve(false);
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['-e', childScript, pgliteEntry, dataDir],
      // No inherited `--import`/loader flags or NODE_OPTIONS: the script is plain CommonJS.
      {
        env: { ...process.env, NODE_OPTIONS: '' },
        timeout: initialiseTimeoutMs,
        maxBuffer: 1 << 20,
      },
      (error, _stdout, stderr) => {
        if (error === null) return resolve(true);
        const cause = childFailure(stderr) ?? error;
        reject(
          new Error(`initialising the folder in a child process failed: ${describeCause(cause)}`, {
            cause,
          }),
        );
      },
    );
  });
}

/** The child's own error (PGlite's file system throws objects with `name` and `errno`), when it said one. */
function childFailure(stderr: string): unknown {
  const line = stderr.split('\n').find((text) => text.startsWith(marker));
  if (line === undefined) return undefined;
  try {
    const { name, errno, code, message } = JSON.parse(line.slice(marker.length)) as Record<
      string,
      unknown
    >;
    if (name === 'ErrnoError' && typeof errno === 'number') return { name, errno };
    return Object.assign(new Error(String(message)), { name: String(name ?? 'Error'), code });
  } catch {
    return undefined;
  }
}
