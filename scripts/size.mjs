// Size budget of the browser kit, checked in CI after `pnpm build`: the kit's own code (the react
// package's dist/index.js plus the contract it imports), minified and gzipped, with react, TanStack
// Query and ky external. Also prints, for information, the total with ky bundled and the testing entry.
//
// Core budget 3328 B (3.25 kB) for 3307 B measured (28 B of it the opted-out state, 31 B the gate's
// `component` prop): the gate's forward-only states and recovery, the shared ensure, and the contract's
// own parsers for every answer (about 400 B of it), kept because a misread answer costs more than the
// bytes. The learning entry (`@knewton-kit/react/learning`) has a budget of its own, measured alone (so
// it also counts the provider and error types it shares with the core): 3840 B (3.75 kB) for 3711 B measured. Either grows only in the open, with the figure.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const budgetBytes = 3328;
const learningBudgetBytes = 3840;
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'packages', 'react');
const peers = ['react', 'react/jsx-runtime', 'react-dom', '@tanstack/react-query'];

async function measure(entry, external, stdin) {
  const file = join(packageDir, 'dist', entry);
  if (!existsSync(file)) {
    console.error(`size: ${file} is missing; run \`pnpm build\` first.`);
    process.exit(1);
  }
  const result = await build({
    ...(stdin ? { stdin: { contents: stdin, resolveDir: packageDir } } : { entryPoints: [file] }),
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'error',
    external,
  });
  const code = result.outputFiles[0].contents;
  return { min: code.length, gzip: gzipSync(code, { level: 9 }).length };
}

// React Server Components: the components and hooks must stay marked as client modules in what is
// shipped (a build step that drops module directives would break every Next.js App Router host).
// `knewtonAccountQueryOptions` is not marked: a server prefetches with it.
for (const file of [
  'KnewtonProvider.js',
  'KnewtonGate.js',
  'useKnewtonAccount.js',
  'useProvisionKnewtonAccount.js',
  'useSuspenseKnewtonAccount.js',
  'testing/KnewtonTestProvider.js',
  'learning/useKnewtonRecommendation.js',
  'learning/useKnewtonEvents.js',
]) {
  const text = readFileSync(join(packageDir, 'dist', file), 'utf8');
  if (!/^['"]use client['"];/.test(text)) {
    console.error(`size: dist/${file} lost its "use client" directive.`);
    process.exit(1);
  }
}

const kit = await measure('index.js', [...peers, 'ky']);
const withKy = await measure('index.js', peers);
const testing = await measure('testing/index.js', [...peers, 'ky', 'msw', 'msw/*']);
const learning = await measure('learning/index.js', [...peers, 'ky']);
// What the learning entry adds to a page that already has the gate: both entries bundled together,
// minus the core alone (a bundler shares the modules they have in common).
const both = await measure(
  'learning/index.js',
  [...peers, 'ky'],
  "export * from './dist/index.js'; export * from './dist/learning/index.js';",
);

const line = (label, { min, gzip }) =>
  `${label.padEnd(50)} ${String(min).padStart(6)} B min  ${String(gzip).padStart(6)} B gzip`;
console.log(line('@knewton-kit/react (ky, react, TanStack external)', kit));
console.log(line('  same, with ky bundled (information)', withKy));
console.log(line('  @knewton-kit/react/testing (information)', testing));
console.log(line('@knewton-kit/react/learning (same externals)', learning));
console.log(
  line('  learning added to the core entry (information)', {
    min: both.min - kit.min,
    gzip: both.gzip - kit.gzip,
  }),
);

if (learning.gzip > learningBudgetBytes) {
  console.error(
    `size: the learning entry's ${learning.gzip} B gzip is over its ${learningBudgetBytes} B budget.`,
  );
  process.exit(1);
}

if (kit.gzip > budgetBytes) {
  console.error(`size: ${kit.gzip} B gzip is over the ${budgetBytes} B budget.`);
  process.exit(1);
}
console.log(
  `size: within the ${budgetBytes} B budget (${budgetBytes - kit.gzip} B to spare); learning within its ${learningBudgetBytes} B (${learningBudgetBytes - learning.gzip} B to spare).`,
);
