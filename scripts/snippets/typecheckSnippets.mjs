#!/usr/bin/env node
// Type-checks the snippets `writeSnippets` wrote into ./snippets of a consumer app and reports each error
// at its line in the Markdown file, where it must be fixed.
//
//   node typecheckSnippets.mjs [snippetsDir]
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const dir = resolve(process.argv[2] ?? 'snippets');
const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
const byFile = new Map(index.map((entry) => [entry.file, entry]));
const tsc = createRequire(join(process.cwd(), 'package.json')).resolve('typescript/bin/tsc');

// One program over every Markdown file's folder (see writeSnippets.mjs).
const result = spawnSync(process.execPath, [tsc, '-p', dir, '--pretty', 'false'], {
  encoding: 'utf8',
});
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
  `snippets: ${index.length} blocks from ${markdownFiles} Markdown files type-checked, ${errors} errors`,
);
process.exit(result.status === 0 ? 0 : 1);
