#!/usr/bin/env node
// Judges the packages the way a user meets them: packs every package (after `pnpm build`), creates
// fresh apps in a temporary folder and installs the tarballs there with npm, outside the workspace.
// Each app type-checks in strict mode with `skipLibCheck: false`, builds and runs its own tests.
//
//   node consumers/run.mjs [--only <app>[,<app>]] [--reports <dir>] [--keep]
//
// Apps: the Vite + React template (`consumers/vite-react`) over React 19 and 18 and the lowest and the
// latest @tanstack/react-query the peer range admits, the Next.js and React Router examples (`apps/next`,
// `apps/react-router`), and the README snippets (`consumers/snippets`, docs/snippets.md).
// A plain script rather than a test runner: each step is a command a user would type.
import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeSnippets } from '../scripts/snippets/writeSnippets.mjs';

const root = resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: {
    only: { type: 'string' },
    reports: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});

const packages = ['contract', 'react', 'bff', 'platform-sim'];
const work = mkdtempSync(join(tmpdir(), 'knewton-consumers-'));
const packs = join(work, 'packs');
mkdirSync(packs);

/** Runs a command, streaming its output with a prefix; rejects with the command line on failure. */
function run(label, command, commandArgs, options = {}) {
  return new Promise((done, fail) => {
    const started = Date.now();
    const child = spawn(command, commandArgs, {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...options,
      env: { ...process.env, ...options.env },
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('error', fail);
    child.on('close', (code) => {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      if (code === 0) {
        console.log(`[${label}] ${command} ${commandArgs.join(' ')} (${seconds} s)`);
        done(output);
      } else {
        // The whole output only on failure, so a green run stays short.
        console.log(output.replace(/^/gm, `[${label}] `));
        fail(new Error(`[${label}] ${command} ${commandArgs.join(' ')} exited ${code}`));
      }
    });
  });
}

/** Runs `tasks` with at most `limit` at a time (the CI machine has 2 cores). */
async function inParallel(limit, tasks) {
  const results = [];
  let next = 0;
  async function worker() {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]().then(
        () => ({ ok: true }),
        (error) => ({ ok: false, error }),
      );
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

/** The published versions `range` admits, oldest first (npm lists them in no set order). */
async function versionsIn(name, range) {
  const output = await run('versions', 'npm', ['view', `${name}@${range}`, 'version', '--json']);
  const parsed = JSON.parse(output);
  const parts = (version) => version.split(/[.+-]/).slice(0, 3).map(Number);
  return (Array.isArray(parsed) ? parsed : [parsed]).sort((a, b) => {
    const [x, y] = [parts(a), parts(b)];
    return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
  });
}

const reactPackage = JSON.parse(readFileSync(join(root, 'packages/react/package.json'), 'utf8'));
const queryRange = reactPackage.peerDependencies['@tanstack/react-query'];

for (const name of packages) {
  if (!existsSync(join(root, 'packages', name, 'dist'))) {
    throw new Error(`packages/${name}/dist is missing: run \`pnpm build\` first`);
  }
}
await inParallel(
  2,
  packages.map(
    (name) => () =>
      run('pack', 'pnpm', ['pack', '--pack-destination', packs], {
        cwd: join(root, 'packages', name),
      }),
  ),
);
/** Relative links in a shipped README must point at a file the tarball ships. */
async function checkShippedLinks(name) {
  const file = join(packs, `knewton-kit-${name}-0.1.0.tgz`);
  const listing = (await run('links', 'tar', ['tzf', file])).split('\n').filter(Boolean);
  const shipped = new Set(listing.map((entry) => entry.replace(/^package\//, '')));
  for (const required of ['README.md', 'LICENSE', 'package.json']) {
    if (!shipped.has(required))
      throw new Error(`@knewton-kit/${name}'s tarball has no ${required}`);
  }
  const readme = await run('links', 'tar', ['xzf', file, '-O', 'package/README.md']);
  const dead = [...readme.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)]
    .map((match) => match[1])
    .filter((target) => !/^[a-z]+:/.test(target))
    .filter((target) => !shipped.has(target.replace(/^\.\//, '')));
  if (dead.length > 0)
    throw new Error(`@knewton-kit/${name}'s README links files it does not ship: ${dead}`);
}
for (const name of packages) await checkShippedLinks(name);
console.log('shipped READMEs: every relative link resolves inside its tarball; LICENSE in each');

const tarball = (name) => `file:${join(packs, `knewton-kit-${name}-0.1.0.tgz`)}`;
const kit = Object.fromEntries(packages.map((name) => [`@knewton-kit/${name}`, tarball(name)]));

const queryVersions = await versionsIn('@tanstack/react-query', queryRange);
const lowestQuery = queryVersions[0];
const latestQuery = queryVersions.at(-1);
console.log(`@tanstack/react-query ${queryRange}: lowest ${lowestQuery}, latest ${latestQuery}`);

const react = {
  19: { react: '^19', 'react-dom': '^19', '@types/react': '^19', '@types/react-dom': '^19' },
  18: { react: '^18', 'react-dom': '^18', '@types/react': '^18', '@types/react-dom': '^18' },
};

/** A fresh Vite app from the template, pinned to one React major and one TanStack Query version. */
function viteApp(reactMajor, queryVersion) {
  return {
    name: `vite-react${reactMajor}-query${queryVersion}`,
    templates: [join(root, 'consumers/vite-react')],
    packageJson: {
      name: 'knewton-consumer',
      private: true,
      type: 'module',
      scripts: { typecheck: 'tsc', build: 'vite build', test: 'vitest run' },
      dependencies: {
        '@knewton-kit/contract': kit['@knewton-kit/contract'],
        '@knewton-kit/react': kit['@knewton-kit/react'],
        '@tanstack/react-query': queryVersion,
        react: react[reactMajor].react,
        'react-dom': react[reactMajor]['react-dom'],
      },
      devDependencies: {
        '@testing-library/dom': '^10',
        '@testing-library/react': '^16',
        '@types/react': react[reactMajor]['@types/react'],
        '@types/react-dom': react[reactMajor]['@types/react-dom'],
        '@vitejs/plugin-react': '^6',
        jsdom: '^27',
        msw: '^2',
        typescript: '~5.9',
        vite: '^8',
        vitest: '~4.1',
      },
    },
    steps: ['typecheck', 'build', 'test'],
  };
}

/**
 * The same app built with the React Compiler (Babel, through `@rolldown/plugin-babel`), over the app
 * and the kit's shipped code, with the compiler's own check that the gate's hooks were compiled.
 */
function viteCompilerApp(queryVersion) {
  const app = viteApp(19, queryVersion);
  return {
    ...app,
    name: `vite-compiler-react19-query${queryVersion}`,
    templates: [...app.templates, join(root, 'consumers/vite-react-compiler')],
    packageJson: {
      ...app.packageJson,
      devDependencies: {
        ...app.packageJson.devDependencies,
        '@babel/core': '^7.29',
        '@rolldown/plugin-babel': '^0.3',
        'babel-plugin-react-compiler': '^1',
        '@types/babel__core': '^7',
        // The compiler's own declarations import zod; the app type-checks them (`skipLibCheck: false`).
        zod: '^4',
      },
    },
  };
}

/** An example app of the repository (`apps/<dir>`), built from the same tarballs: not a workspace package. */
function exampleApp(dir) {
  const source = JSON.parse(readFileSync(join(root, 'apps', dir, 'package.json'), 'utf8'));
  for (const name of Object.keys(kit)) {
    for (const field of ['dependencies', 'devDependencies']) {
      if (source[field]?.[name]) source[field][name] = kit[name];
    }
  }
  return {
    name: dir,
    templates: [join(root, 'apps', dir)],
    packageJson: source,
    steps: source.consumerSteps,
  };
}

/**
 * The README snippets (docs/snippets.md) written into a fresh app over the tarballs: each Markdown file's
 * blocks type-checked strictly, and the plain Node and Express host snippets run against the simulator.
 */
function snippetsApp() {
  const bffPackage = JSON.parse(readFileSync(join(root, 'packages/bff/package.json'), 'utf8'));
  return {
    name: 'snippets',
    templates: [join(root, 'consumers/snippets')],
    prepare(dir) {
      const { problems } = writeSnippets(root, join(dir, 'snippets'));
      if (problems.length > 0) throw new Error(`snippet convention:\n${problems.join('\n')}`);
      cpSync(
        join(root, 'scripts/snippets/typecheckSnippets.mjs'),
        join(dir, 'typecheckSnippets.mjs'),
      );
    },
    packageJson: {
      name: 'knewton-snippets',
      private: true,
      type: 'module',
      scripts: {
        typecheck:
          'node typecheckSnippets.mjs snippets && node typecheckSnippets.mjs snippets --typescript typescript-latest --project tsconfig.latest.json && tsc -p .',
        test: 'vitest run',
      },
      dependencies: {
        ...kit,
        '@hono/node-server': bffPackage.dependencies['@hono/node-server'],
        '@tanstack/react-query': latestQuery,
        express: '^5',
        next: '^16',
        'react-router': '^7',
        pino: '^10',
        react: '^19',
        'react-dom': '^19',
      },
      devDependencies: {
        '@react-router/dev': '^7',
        '@testing-library/dom': '^10',
        '@testing-library/react': '^16',
        '@types/express': '^5',
        // next 16's own declarations name URLPattern, a global from Node 23's types on.
        '@types/node': '^24',
        '@types/react': '^19',
        '@types/react-dom': '^19',
        msw: '^2',
        tsx: '^4',
        typescript: '~5.9',
        // What `npm i -D typescript` gives a newcomer today; typecheckSnippets.mjs checks with both.
        'typescript-latest': 'npm:typescript@latest',
        vitest: '~4.1',
      },
    },
    steps: ['typecheck', 'test'],
  };
}

// The Next.js example first: the longest, so it does not start last and hold up the end.
const apps = [
  ...(existsSync(join(root, 'apps/next/package.json')) ? [exampleApp('next')] : []),
  snippetsApp(),
  exampleApp('react-router'),
  viteApp(19, latestQuery),
  viteApp(19, lowestQuery),
  viteApp(18, lowestQuery),
  viteApp(18, latestQuery),
  viteCompilerApp(latestQuery),
];
const only = args.only?.split(',');
const selected = only ? apps.filter((app) => only.some((name) => app.name.startsWith(name))) : apps;
if (selected.length === 0)
  throw new Error(`--only ${args.only} matches none of ${apps.map((a) => a.name)}`);

const started = Date.now();
for (const app of selected) {
  const dir = join(work, app.name);
  // Later templates overlay earlier ones (the compiler app's Vite config and its own test).
  for (const template of app.templates) {
    cpSync(template, dir, {
      recursive: true,
      filter: (path) =>
        !/[/\\](node_modules|\.next|\.react-router|build|dist|\.data)([/\\]|$)/.test(path),
    });
  }
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(app.packageJson, null, 2)}\n`);
  app.prepare?.(dir);
}

// One npm cache for every app (npm's default, kept between CI runs on this machine). Two apps at a time
// on two cores, each installing then checking, so one app's install overlaps the other's type-check.
const env = { NEXT_TELEMETRY_DISABLED: '1', CI: 'true' };
const checks = await inParallel(
  2,
  selected.map((app) => async () => {
    const cwd = join(work, app.name);
    await run(app.name, 'npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], {
      cwd,
      env,
    });
    for (const step of app.steps) {
      const report = args.reports && resolve(args.reports, `consumer-${app.name}.json`);
      const extra =
        step === 'test' && report
          ? ['--', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`]
          : [];
      await run(app.name, 'npm', ['run', step, ...extra], { cwd, env });
    }
  }),
);

const failed = selected.filter((_, index) => !checks[index].ok);
const seconds = ((Date.now() - started) / 1000).toFixed(0);
for (const [index, app] of selected.entries()) {
  console.log(
    `${checks[index].ok ? 'ok  ' : 'FAIL'} ${app.name}${checks[index].ok ? '' : `: ${checks[index].error.message}`}`,
  );
}
console.log(
  `consumer apps: ${selected.length - failed.length} of ${selected.length} green in ${seconds} s`,
);
if (args.keep || failed.length > 0) console.log(`apps kept in ${work}`);
else rmSync(work, { recursive: true, force: true });
process.exit(failed.length > 0 ? 1 : 0);
