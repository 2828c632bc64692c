#!/usr/bin/env node
// The snippet convention (docs/snippets.md), checked without type-checking: every ts/tsx block of the
// checked Markdown files is either checked in CI or skipped with a stated reason, directives are spelled
// right and no two blocks of one file claim one file name. `pnpm lint` runs it; the type-check itself runs
// against the packed tarballs in `consumers/run.mjs` (the `snippets` app).
//
//   node scripts/check-snippets.mjs [--list]
import { resolve } from 'node:path';
import { checkedMarkdownFiles, readSnippets } from './snippets/readSnippets.mjs';

const root = resolve(import.meta.dirname, '..');
const list = process.argv.includes('--list');
let checked = 0;
let skipped = 0;
const problems = [];
for (const markdownPath of checkedMarkdownFiles(root)) {
  const read = readSnippets(root, markdownPath);
  problems.push(...read.problems);
  for (const snippet of read.snippets) {
    if (snippet.skip === undefined) checked++;
    else skipped++;
    if (list)
      console.log(
        `${snippet.markdownPath}:${snippet.line} ${snippet.file} ${snippet.skip === undefined ? 'checked' : `skipped: ${snippet.skip}`}`,
      );
  }
}
for (const problem of problems) console.error(problem);
console.log(
  `snippets: ${checked} checked, ${skipped} skipped with a reason, ${problems.length} problems`,
);
process.exit(problems.length > 0 ? 1 : 0);
