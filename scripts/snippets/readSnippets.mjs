// Reads the TypeScript code blocks of the project's Markdown files as snippets to check. The convention
// is stated for writers in docs/snippets.md; this file is its one implementation.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The Markdown files whose `ts`/`tsx` blocks are checked: what a newcomer reads to set the kit up. */
export function checkedMarkdownFiles(root) {
  const files = ['README.md'];
  for (const name of readdirSync(join(root, 'packages'))) {
    if (existsSync(join(root, 'packages', name, 'README.md')))
      files.push(`packages/${name}/README.md`);
  }
  if (existsSync(join(root, 'docs'))) {
    for (const name of readdirSync(join(root, 'docs')).sort()) {
      if (name.endsWith('.md')) files.push(`docs/${name}`);
    }
  }
  return files;
}

/** `packages/bff/README.md` → `packages-bff`: the folder a Markdown file's snippets are written to. */
export function snippetFolderName(markdownPath) {
  return markdownPath.replace(/\.md$/i, '').replace(/[/\\]/g, '-').toLowerCase();
}

const fence = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)\s*$/;
const checkedLanguages = new Set(['ts', 'tsx']);
/** A first line such as `// server/knewton.ts` or `// app/Providers.tsx: a client component`. */
const fileComment = /^\/\/\s*((?:[\w@.[\]-]+\/)*[\w.[\]-]+\.tsx?)(?::.*)?\s*$/;

/**
 * Every checked block of one Markdown file, with its directives, and every mistake in applying the
 * convention (a skip without a reason, an unknown directive, two blocks claiming one file name).
 */
export function readSnippets(root, markdownPath) {
  const text = readFileSync(join(root, markdownPath), 'utf8');
  const lines = text.split('\n');
  const snippets = [];
  const problems = [];
  const where = (line) => `${markdownPath}:${line}`;
  for (let index = 0; index < lines.length; index++) {
    const open = fence.exec(lines[index]);
    if (!open) continue;
    const [, indent, marker, language] = open;
    let end = index + 1;
    while (end < lines.length && !lines[end].trimStart().startsWith(marker)) end++;
    const body = lines
      .slice(index + 1, end)
      .map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line));
    const startLine = index + 1;
    const directives = directivesAbove(lines, index, (message) =>
      problems.push(`${where(startLine)}: ${message}`),
    );
    index = end;
    if (!checkedLanguages.has(language)) {
      if (directives.length > 0)
        problems.push(`${where(startLine)}: snippet directives apply to ts/tsx blocks only`);
      continue;
    }
    const skip = directives.find((directive) => directive.kind === 'skip');
    const sameAs = directives.find((directive) => directive.kind === 'same-as')?.text;
    const named = fileComment.exec(body[0] ?? '');
    snippets.push({
      markdownPath,
      line: startLine,
      language,
      file: named ? named[1] : `snippet-line-${startLine}.${language}`,
      skip: skip?.text,
      assumes: directives
        .filter((directive) => directive.kind === 'assumes')
        .map((directive) => directive.text),
      code: body.join('\n'),
      sameAs,
    });
    if (sameAs !== undefined) {
      const copy = sameAsProblem(root, body, sameAs);
      if (copy) problems.push(`${where(startLine)}: ${copy}`);
    }
  }
  const seen = new Map();
  for (const snippet of snippets.filter((candidate) => candidate.skip === undefined)) {
    const earlier = seen.get(snippet.file);
    if (earlier !== undefined)
      problems.push(
        `${where(snippet.line)}: ${snippet.file} is already the file of the block at line ${earlier}; name each file once`,
      );
    seen.set(snippet.file, snippet.line);
  }
  return { snippets, problems };
}

/** The `<!-- snippet: ... -->` comments directly above a fence (no blank line between), top to bottom. */
function directivesAbove(lines, fenceIndex, problem) {
  const directives = [];
  let index = fenceIndex - 1;
  while (index >= 0 && lines[index].trimEnd().endsWith('-->')) {
    let start = index;
    while (start >= 0 && !lines[start].includes('<!--')) start--;
    if (start < 0) break;
    const comment = lines
      .slice(start, index + 1)
      .join('\n')
      .replace(/^\s*<!--/, '')
      .replace(/-->\s*$/, '');
    const match = /^\s*snippet:\s*([\w-]+)\s*([\s\S]*?)\s*$/.exec(comment);
    if (!match) break;
    const [, kind, text] = match;
    if (kind === 'skip') {
      if (text.length < 10)
        problem('`snippet: skip` needs a reason a reader can judge (10 characters or more)');
    } else if (kind === 'assumes') {
      if (text === '') problem('`snippet: assumes` needs the TypeScript it assumes');
    } else if (kind === 'same-as') {
      if (!/^[\w@.[\]/-]+$/.test(text)) problem('`snippet: same-as` needs one repository path');
    } else {
      problem(`unknown snippet directive "${kind}" (skip, assumes or same-as)`);
    }
    directives.unshift({ kind, text });
    index = start - 1;
  }
  return directives;
}

/**
 * A block marked `same-as <path>` shows a repository file whole (after its `// name` line), so the app
 * that builds and runs that file runs the block too. Trailing whitespace and final newlines are ignored.
 */
function sameAsProblem(root, body, path) {
  const file = join(root, path);
  if (!existsSync(file)) return `same-as ${path}: no such file in the repository`;
  const shownCode = (fileComment.test(body[0] ?? '') ? body.slice(1) : body).join('\n').trimEnd();
  const actual = readFileSync(file, 'utf8').trimEnd();
  if (shownCode === actual) return undefined;
  const shownLines = shownCode.split('\n');
  const actualLines = actual.split('\n');
  const at = shownLines.findIndex((line, index) => line !== actualLines[index]);
  const line = at === -1 ? shownLines.length : at;
  return `same-as ${path}: the block differs from the file at its line ${line + 1} (block: ${JSON.stringify(shownLines[line] ?? '(end)')}, file: ${JSON.stringify(actualLines[line] ?? '(end)')})`;
}

/** The TypeScript source written for a snippet: its assumptions first, then the block as shown. */
export function snippetSource(snippet) {
  const assumed = snippet.assumes.map((text) => `${text}\n`).join('');
  // `export {}` makes a block without imports a module, so its names never clash with another block's.
  return `${assumed}${snippet.code}\nexport {};\n`;
}

/** For messages: a path relative to the repository. */
export function shown(root, path) {
  return relative(root, path) || '.';
}
