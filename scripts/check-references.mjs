#!/usr/bin/env node
// Dangling references, which a newcomer meets as "which file is that?":
// - no tracked file names a document outside the repository (the project states its contracts in
//   docs/architecture.md, in its own words);
// - every relative Markdown link resolves to a file of the repository, and every link to the repository
//   on GitHub (package.json `repository`) names a file or folder that exists;
// - a shipped package README (packages/*/README.md) reaches the rest of the repository only through
//   absolute links: a relative link outside the package, a repository path in code spans (`apps/next`,
//   `scripts/size.mjs`, a test file) or a workspace command (`pnpm --filter`) means nothing to someone
//   who installed the tarball. Whether a relative link is in the tarball is checked on the tarball
//   itself by consumers/run.mjs.
//
//   node scripts/check-references.mjs        (pnpm lint runs it)
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, normalize, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const tracked = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], {
  cwd: root,
  encoding: 'utf8',
})
  .split('\n')
  .filter((path) => path !== '' && existsSync(join(root, path)));
const problems = [];
const problem = (path, line, message) => problems.push(`${path}:${line}: ${message}`);

/** The repository's web address, from the root package.json (`repository.url`). */
const repository = (() => {
  const { repository: field } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const url = typeof field === 'string' ? field : field?.url;
  if (!url) throw new Error('package.json has no `repository`: links to the repository need it');
  return url.replace(/^git\+/, '').replace(/\.git$/, '');
})();

// Pointers a reader cannot follow: a Markdown document the repository does not have (the project states
// its contracts in docs/architecture.md, in its own words), a relative path that climbs out of the
// repository, a path of one machine. Matched by shape, not by a list of names, so no file has to name
// the documents it must not point at.
const markdownNames = new Set(
  tracked.filter((path) => path.endsWith('.md')).map((path) => basename(path)),
);
const markdownName = /(?<![\w.-])([\w.-]+\.md)\b/g;
const climbing = /(?<![\w.])((?:\.\.\/)+)([\w-]+)/g;
const textFile = /\.(md|ts|tsx|mts|cts|js|mjs|cjs|json|jsonc|ya?ml|sh|html|css)$|(^|\/)\.ci\/run$/;

for (const path of tracked.filter((candidate) => textFile.test(candidate))) {
  if (path === 'pnpm-lock.yaml') continue;
  const lines = readFileSync(join(root, path), 'utf8').split('\n');
  lines.forEach((text, index) => {
    for (const [, name] of text.matchAll(markdownName)) {
      if (!markdownNames.has(name))
        problem(path, index + 1, `${name} is not part of the repository; state what it says here`);
    }
    for (const [, ups, first] of text.matchAll(climbing)) {
      const target = relative(root, resolve(root, dirname(path), ups, first));
      if (target.startsWith('..'))
        problem(path, index + 1, `${ups}${first} is outside the repository`);
    }
    if (/\bshared\s+notes\b/i.test(text))
      problem(path, index + 1, 'notes kept outside the repository; state what they say here');
    if (/\/work\/(?!\.)/.test(text)) problem(path, index + 1, 'an absolute path of one machine');
  });
}

const markdownFiles = tracked.filter((path) => path.endsWith('.md'));
const shippedReadme = /^packages\/[^/]+\/README\.md$/;
const repoPath =
  /^(apps|scripts|consumers|bench|chaos|packages|docs|\.ci)\/|\.test(-d)?\.tsx?$|^(BENCHMARKS|RELIABILITY)\.md$/;

for (const path of markdownFiles) {
  const text = readFileSync(join(root, path), 'utf8');
  const lines = text.split('\n');
  let inFence = false;
  lines.forEach((line, index) => {
    if (/^\s*(`{3,}|~{3,})/.test(line)) inFence = !inFence;
    if (inFence) return;
    for (const match of line.matchAll(/\]\(([^)\s]+)\)/g)) {
      checkLink(path, index + 1, match[1]);
    }
    if (!shippedReadme.test(path)) return;
    // Code spans that are the text of an absolute link are fine: the link takes the reader there.
    const unlinked = line.replace(/\[`[^`]*`\]\(https?:[^)]*\)/g, '');
    for (const match of unlinked.matchAll(/`([^`]+)`/g)) {
      const span = match[1];
      if (repoPath.test(span))
        problem(
          path,
          index + 1,
          `\`${span}\` is a repository path the package's user does not have; link it (${repository}/blob/main/...)`,
        );
      if (/^pnpm (--filter|-r\b|-F\b)/.test(span))
        problem(
          path,
          index + 1,
          `\`${span}\` is a workspace command; a package's user has no workspace`,
        );
    }
  });
}

function checkLink(path, line, target) {
  if (target.startsWith('#') || /^mailto:/.test(target)) return;
  if (/^https?:/.test(target)) {
    if (!target.startsWith(`${repository}/`)) return;
    const inRepo = /^\/(?:blob|tree)\/main\/([^#?]*)/.exec(target.slice(repository.length));
    if (!inRepo)
      return problem(path, line, `${target}: link a file as ${repository}/blob/main/<path>`);
    if (!existsSync(join(root, decodeURIComponent(inRepo[1]))))
      problem(path, line, `${target} names ${inRepo[1]}, which is not in the repository`);
    return;
  }
  if (/^[a-z]+:/i.test(target)) return;
  const file = decodeURIComponent(target.replace(/[#?].*$/, ''));
  const resolved = normalize(join(dirname(path), file));
  if (resolved.startsWith('..')) return problem(path, line, `${target} leaves the repository`);
  if (!existsSync(join(root, resolved))) return problem(path, line, `${target}: no such file`);
  if (shippedReadme.test(path) && !resolved.startsWith(dirname(path)))
    problem(
      path,
      line,
      `${target} is outside the package; link ${repository}/blob/main/${resolved}`,
    );
}

for (const line of problems) console.error(line);
console.log(
  `references: ${tracked.length} files and ${markdownFiles.length} Markdown files read, ${problems.length} dangling`,
);
process.exit(problems.length > 0 ? 1 : 0);
