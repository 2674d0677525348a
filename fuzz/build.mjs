// Transpiles fuzz/ and src/ (TypeScript → JavaScript, no type check: `npm test` type-checks) into
// build/fuzz/, keeping the layout, and copies the runtime assets (WASM kernels, word lists), so that
// `node build/fuzz/fuzz/run.js` runs the campaign on the current sources without a full build.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'build', 'fuzz');

function* walk(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else yield p;
  }
}

rmSync(out, { recursive: true, force: true });
let count = 0;
for (const folder of ['src', 'fuzz']) {
  for (const file of walk(join(root, folder))) {
    const target = join(out, relative(root, file));
    mkdirSync(dirname(target), { recursive: true });
    if (file.endsWith('.ts')) {
      const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
        fileName: file,
      });
      writeFileSync(target.replace(/\.ts$/, '.js'), outputText);
      count++;
    } else if (/\.(wasm|txt)$/.test(file)) copyFileSync(file, target);
  }
}
writeFileSync(join(out, 'package.json'), '{"type":"module"}\n');
console.log(`fuzz build: ${count} modules transpiled into ${relative(root, out)}/`);
