// Writes the checked snippets of the project's Markdown files into a folder of a consumer app, one
// sub-folder per Markdown file, so `./knewton.js` and Next.js's `@/server/knewton` resolve among the
// blocks of that file only, with one tsconfig.json over all of them extending `tsconfig.snippets.json`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  checkedMarkdownFiles,
  readSnippets,
  snippetFolderName,
  snippetSource,
} from './readSnippets.mjs';

/**
 * Next.js's `@/` alias (the app's root, as create-next-app sets it up), written as the relative path it
 * stands for in the snippet's own folder, so every folder can share one compiler program. Line numbers
 * are unchanged.
 */
function withRelativeAlias(source, file) {
  const depth = file.split('/').length - 1;
  const up = depth === 0 ? './' : '../'.repeat(depth);
  return source.replace(/(from\s+|import\s*\(\s*)(['"])@\//g, `$1$2${up}`);
}

/** Writes every checked, not skipped snippet under `outDir`; returns the index it also writes there. */
export function writeSnippets(root, outDir) {
  const index = [];
  const problems = [];
  for (const markdownPath of checkedMarkdownFiles(root)) {
    const read = readSnippets(root, markdownPath);
    problems.push(...read.problems);
    const checked = read.snippets.filter((snippet) => snippet.skip === undefined);
    if (checked.length === 0) continue;
    const folder = snippetFolderName(markdownPath);
    for (const snippet of checked) {
      const path = join(outDir, folder, snippet.file);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, withRelativeAlias(snippetSource(snippet), snippet.file));
      index.push({
        file: `${folder}/${snippet.file}`,
        markdownPath,
        // The block's first code line, and the lines of assumptions written above it.
        line: snippet.line + 1,
        assumedLines: snippet.assumes.join('\n').split('\n').length * (snippet.assumes.length > 0),
      });
    }
  }
  writeFileSync(join(outDir, 'index.json'), `${JSON.stringify(index, null, 2)}\n`);
  // One program for every folder: the libraries' declarations are checked once, not once per file.
  const config = (include) =>
    `${JSON.stringify({ extends: '../tsconfig.snippets.json', include: ['**/*.ts', '**/*.tsx', ...include] }, null, 2)}\n`;
  writeFileSync(join(outDir, 'tsconfig.json'), config(['../types/*.d.ts']));
  // TypeScript 7's own libraries declare the URL Pattern names that ../types supplies for 5.9 (Next's
  // declarations use them); there the shim would declare them twice.
  writeFileSync(join(outDir, 'tsconfig.latest.json'), config([]));
  return { index, problems };
}
