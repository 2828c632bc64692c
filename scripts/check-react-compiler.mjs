// Runs the React Compiler (babel-plugin-react-compiler) over the React kit's shipped source and fails
// when it skips a component or hook: one it skips runs uncompiled in a compiler-built host, and the
// reason is usually a broken rule of React that also misbehaves without the compiler.
//
//   node scripts/check-react-compiler.mjs
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { transformAsync } from '@babel/core';

const root = join(import.meta.dirname, '..');
const sourceDir = join(root, 'packages/react/src');
const files = readdirSync(sourceDir, { recursive: true })
  .map(String)
  .filter((file) => /\.tsx?$/.test(file) && !/\.test(-d)?\.tsx?$/.test(file))
  .map((file) => join(sourceDir, file));

const compiled = [];
/** Skipped functions by place, each with its reasons (the compiler reports one event per problem). */
const skipped = new Map();
for (const file of files) {
  const name = relative(root, file);
  await transformAsync(readFileSync(file, 'utf8'), {
    filename: file,
    babelrc: false,
    configFile: false,
    // Parsed as TypeScript, as `@vitejs/plugin-react` hands source to Babel; types stay, nothing is emitted.
    parserOpts: { plugins: ['typescript', 'jsx'] },
    code: false,
    plugins: [
      [
        'babel-plugin-react-compiler',
        {
          // Every component and hook the compiler recognises, not only those it is sure of.
          compilationMode: 'infer',
          logger: {
            logEvent(_filename, event) {
              const at = `${name}:${event.fnLoc?.start.line ?? event.detail?.loc?.start?.line ?? '?'}`;
              if (event.kind === 'CompileSuccess') compiled.push(`${at} ${event.fnName ?? '?'}`);
              else if (['CompileError', 'CompileSkip', 'PipelineError'].includes(event.kind)) {
                const reason = event.detail?.reason ?? event.detail?.options?.reason ?? event.data;
                skipped.set(at, new Set([...(skipped.get(at) ?? []), reason]));
              }
            },
          },
        },
      ],
    ],
  });
}

for (const line of compiled) console.log(`compiled ${line}`);
for (const [at, reasons] of skipped) console.error(`SKIPPED  ${at}: ${[...reasons].join('; ')}`);
console.log(`react compiler: ${compiled.length} functions compiled, ${skipped.size} skipped`);
if (skipped.size > 0 || compiled.length === 0) process.exit(1);
