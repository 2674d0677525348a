// Builds the explorer web UI (src/web, browser code) into dist/web/: type-checks it against the DOM
// (its own tsconfig; the Node build excludes it), bundles app.ts with esbuild into one ES module,
// minifies app.css and copies index.html. Everything is local: the page loads nothing from the
// network at run time. `npm run build` runs this after tsc; `--no-check` skips the type check.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src', 'web');
const out = join(root, 'dist', 'web');

if (!process.argv.includes('--no-check')) {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join(src, 'tsconfig.json')], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('build-web: src/web does not type-check');
    process.exit(1);
  }
}

mkdirSync(out, { recursive: true });
const common = { bundle: true, minify: true, legalComments: 'eof', logLevel: 'warning', absWorkingDir: root };
await build({ ...common, entryPoints: [join(src, 'app.ts')], outfile: join(out, 'app.js'), format: 'esm', target: ['es2020'] });
await build({ ...common, entryPoints: [join(src, 'app.css')], outfile: join(out, 'app.css') });
copyFileSync(join(src, 'index.html'), join(out, 'index.html'));
const kb = (f) => (statSync(join(out, f)).size / 1024).toFixed(0);
console.log(`build-web: dist/web/app.js ${kb('app.js')} KB, app.css ${kb('app.css')} KB, index.html`);
