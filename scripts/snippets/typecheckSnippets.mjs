#!/usr/bin/env node
// Type-checks the snippets `writeSnippets` wrote into ./snippets of a consumer app and reports each error
// at its line in the Markdown file, where it must be fixed.
//
//   node typecheckSnippets.mjs [snippetsDir] [--typescript <package>] [--project <tsconfig file name>]
//
// `--typescript` names the installed compiler package (default `typescript`): the snippets app installs
// the TypeScript its examples pin and, under another name, the major a newcomer's `npm i -D typescript`
// gets today, and checks with both. `--project` picks the snippets folder's tsconfig (writeSnippets.mjs
// writes `tsconfig.json` and `tsconfig.latest.json`).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values: options, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    typescript: { type: 'string', default: 'typescript' },
    project: { type: 'string', default: 'tsconfig.json' },
  },
});
const dir = resolve(positionals[0] ?? 'snippets');
const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
const byFile = new Map(index.map((entry) => [entry.file, entry]));
// The package's own folder and `bin` entry: TypeScript 7's `exports` map does not expose `bin/tsc`.
const packageDir = join(process.cwd(), 'node_modules', options.typescript);
const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
const tsc = join(packageDir, typeof manifest.bin === 'string' ? manifest.bin : manifest.bin.tsc);
const { version } = manifest;

// One program over every Markdown file's folder (see writeSnippets.mjs).
const result = spawnSync(
  process.execPath,
  [tsc, '-p', join(dir, options.project), '--pretty', 'false'],
  {
    encoding: 'utf8',
  },
);
let errors = 0;
for (const line of `${result.stdout}${result.stderr}`.split('\n').filter(Boolean)) {
  // `snippets/packages-bff-readme/server.ts(12,3): error TS2304: ...` → `packages/bff/README.md:40: ...`
  const match = /^(?:.*?snippets[/\\])?([^(]+)\((\d+),(\d+)\): (.*)$/.exec(line);
  const entry = match && byFile.get(`${match[1]}`.replaceAll('\\', '/'));
  if (match) errors++;
  if (match && entry) {
    const markdownLine = entry.line + Number(match[2]) - 1 - entry.assumedLines;
    console.log(`${entry.markdownPath}:${markdownLine}:${match[3]} (${entry.file}) ${match[4]}`);
  } else console.log(line);
}
const markdownFiles = new Set(index.map((entry) => entry.markdownPath)).size;
console.log(
  `snippets: ${index.length} blocks from ${markdownFiles} Markdown files type-checked with TypeScript ${version}, ${errors} errors`,
);
process.exit(result.status === 0 ? 0 : 1);
