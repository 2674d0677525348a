// Checks that imports between the folders of src/ point down the layers of docs/architecture.md
// only: a folder may import from folders of lower layers (and its own), never from the same layer
// sideways or from above. Run by `npm run lint`; exits 1 listing every offending import.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Layer of each top-level entry of src/ (bottom = 0). The root barrel src/index.ts may import anything. */
export const LAYERS = {
  'errors.ts': 0,
  'version.ts': 0,
  math: 1,
  kernels: 1,
  'optional-packages.ts': 1,
  text: 2,
  io: 2,
  learn: 2,
  audio: 2,
  ann: 3,
  vectors: 4,
  encode: 5,
  evaluate: 5,
  project: 5,
  tasks: 6,
  privacy: 6,
  jobs: 6,
  plot: 6,
  serve: 7,
  cli: 8,
};
/**
 * Folders outside the layering: browser code bundled on its own (scripts/build-web.mjs) that may
 * import nothing from the Node layers, and that nothing imports (the server serves its build output).
 */
export const ISOLATED = new Set(['web']);

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');

function* walk(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (/\.(ts|mts)$/.test(e.name)) yield p;
  }
}

const top = (file) => relative(src, file).split(sep)[0].replace(/\.js$/, '.ts');
const problems = [];
const IMPORT = /(?:^|\s)(?:import|export)\s[^'"]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;
for (const file of walk(src)) {
  const from = top(file);
  if (from === 'index.ts') continue;
  if (ISOLATED.has(from)) {
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const target = resolve(dirname(file), m[1] ?? m[2]);
      if (target.startsWith(src + sep) && top(target) !== from)
        problems.push(`${relative(root, file)}: imports ${m[1] ?? m[2]} — '${from}' is browser code and may not import the Node layers`);
    }
    continue;
  }
  if (!(from in LAYERS)) {
    problems.push(`${relative(root, file)}: folder '${from}' has no layer in scripts/check-layers.mjs`);
    continue;
  }
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2];
    const target = resolve(dirname(file), spec);
    if (!target.startsWith(src + sep)) continue;
    const to = top(target);
    if (to === from) continue;
    if (ISOLATED.has(to)) {
      problems.push(`${relative(root, file)}: imports ${spec} — '${to}' is browser code, served as built files, never imported`);
      continue;
    }
    const ok = to in LAYERS && LAYERS[to] < LAYERS[from];
    if (!ok) problems.push(`${relative(root, file)}: imports ${spec} (${to}, layer ${LAYERS[to]}) from ${from} (layer ${LAYERS[from]})`);
  }
}
if (problems.length > 0) {
  console.error(`check-layers: ${problems.length} import(s) against the layering:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('check-layers: every import points down the layers');
