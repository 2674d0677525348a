// What `npm pack` puts in the tarball (package.json `files`): the built code with its kernels and
// assets, every entry point and the CLI; no tests, benchmarks, scripts or generated API docs.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  exports: Record<string, string | { types: string; import: string }>;
  bin: Record<string, string>;
};

function packedFiles(): string[] {
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { files: { path: string }[] }[])[0].files.map((f) => f.path);
}

describe('npm pack', () => {
  const files = packedFiles();

  it('ships every entry point, the CLI and the WebAssembly kernels', () => {
    const targets = Object.values(pkg.exports).flatMap((t) => (typeof t === 'string' ? [t] : [t.types, t.import]));
    for (const target of [...targets, ...Object.values(pkg.bin)]) expect(files).toContain(target.replace(/^\.\//, ''));
    const kernels = readdirSync(join(ROOT, 'src/kernels')).filter((f) => f.endsWith('.wasm'));
    expect(kernels.length).toBeGreaterThan(0);
    for (const wasm of kernels) expect(files).toContain(`dist/kernels/${wasm}`);
    expect(files).toContain('README.md');
  });

  it('leaves out tests, benchmarks, scripts, generated API docs and second copies of the kernels', () => {
    const unwanted = files.filter((f) => /^(test|bench|scripts|\.ci|docs\/api|node_modules)\//.test(f) || /^src\/.*\.wasm$/.test(f));
    expect(unwanted).toEqual([]);
  });
});
