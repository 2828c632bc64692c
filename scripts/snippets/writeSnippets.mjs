// Writes the checked snippets of the project's Markdown files into a folder of a consumer app, one
// sub-folder per Markdown file (so `@/server/knewton` and `./knewton.js` resolve among the blocks of that
// file only), each with a tsconfig.json extending the app's `tsconfig.snippets.json`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  checkedMarkdownFiles,
  readSnippets,
  snippetFolderName,
  snippetSource,
} from './readSnippets.mjs';

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
      writeFileSync(path, snippetSource(snippet));
      index.push({
        file: `${folder}/${snippet.file}`,
        markdownPath,
        // The block's first code line, and the lines of assumptions written above it.
        line: snippet.line + 1,
        assumedLines: snippet.assumes.join('\n').split('\n').length * (snippet.assumes.length > 0),
      });
    }
    writeFileSync(
      join(outDir, folder, 'tsconfig.json'),
      `${JSON.stringify(
        {
          extends: '../../tsconfig.snippets.json',
          // Next.js's alias, as create-next-app sets it up; relative to this folder.
          compilerOptions: { paths: { '@/*': ['./*'] } },
          include: ['**/*.ts', '**/*.tsx', '../../types/*.d.ts'],
        },
        null,
        2,
      )}\n`,
    );
  }
  writeFileSync(join(outDir, 'index.json'), `${JSON.stringify(index, null, 2)}\n`);
  return { index, problems };
}
