// Lists the names (values and types) each package entry point exports, from the built
// declarations (dist/**/*.d.ts, so `npm run build` first), as JSON: { ".": [...], "./ann": [...] }.
// test/package/exports.test.ts compares it with test/package/exports.json; after a deliberate
// change of the public API, refresh that file with
//   node scripts/list-exports.mjs > test/package/exports.json
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Entry point (`.`, `./ann` …) → its declaration file, from package.json `exports`. */
export function entryPoints() {
  const { exports } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return Object.fromEntries(
    Object.entries(exports)
      .filter(([, target]) => typeof target === 'object' && target.types)
      .map(([entry, target]) => [entry, join(root, target.types)]),
  );
}

/** Sorted exported names of each entry point. */
export function listExports() {
  const entries = entryPoints();
  const program = ts.createProgram(Object.values(entries), {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    skipLibCheck: true,
    types: ['node'],
  });
  const checker = program.getTypeChecker();
  const out = {};
  for (const [entry, file] of Object.entries(entries)) {
    const source = program.getSourceFile(file);
    if (!source) throw new Error(`${file} is missing: run npm run build first`);
    out[entry] = checker
      .getExportsOfModule(checker.getSymbolAtLocation(source))
      .map((symbol) => symbol.name)
      .sort();
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(JSON.stringify(listExports(), null, 2));
