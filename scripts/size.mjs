// Size budget of the browser kit, checked in CI after `pnpm build`: the kit's own code (the react
// package's dist/index.js plus the contract it imports), minified and gzipped, with react, TanStack
// Query and ky external. Also prints, for information, the total with ky bundled and the testing entry.
//
// The budget was 1536 B (1.5 kB) until the gate learned to recover by itself (issue 12): the state
// that only moves forward, the background recovery (Retry-After, backoff, hidden page, online), one
// shared ensure for sign-up and `202 queued` took the kit from 1507 B to 2521 B gzip, measured with
// this script. Those behaviours are what a user notices, so the budget was raised in the open to
// 2560 B (2.5 kB) rather than bought back with size tricks; packages/react/README.md has the figure.
//
// The learning entry (`@knewton-kit/react/learning`, issue 13) has a budget of its own, so the gate's
// stays where it is for hosts that only gate. It is measured the same way, alone (so it also counts
// the provider context and error type it shares with the core entry; the figure it adds to a page
// that already has the core is printed for information). 3124 B when it landed: the two hooks, the
// in-memory outbox with its keepalive exit, and the contract's event validator and recommendation
// parser, kept on purpose (one invalid event would make the BFF refuse its whole batch, and a 200 in
// another shape is a wrong `baseUrl`). Budget 3328 B (3.25 kB): about 200 B for fixes, not a feature.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const budgetBytes = 2560;
const learningBudgetBytes = 3328;
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
