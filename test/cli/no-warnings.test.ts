// `npx embedkit …` inside the repository prints nothing on stderr: no npm warning (e.g. an unknown
// project config key in .npmrc) and no Node warning (e.g. an ExperimentalWarning from the
// relaxed-SIMD probe of src/kernels/wasm.ts), for help, a word-vector query and an index search.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFvecs } from '../../src/io/index.js';
import { ROOT } from '../helpers/paths.js';

let dir: string;

/** `npx embedkit ARGS` from the repository root (npx finds the package's own bin there). */
function npx(...args: string[]) {
  const r = spawnSync('npx', ['embedkit', ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'embedkit-warnings-'));
  const words = ['cat', 'dog', 'king', 'queen', 'man', 'woman', 'apple', 'pear'];
  const rows = words.map((w, i) => `${w} ${Array.from({ length: 4 }, (_, j) => Math.sin(i * 4 + j + 1).toFixed(4)).join(' ')}`);
  writeFileSync(join(dir, 'words.txt'), `${words.length} 4\n${rows.join('\n')}\n`);
  const data = Float32Array.from({ length: 64 * 8 }, (_, i) => Math.cos(i * 0.37));
  await writeFvecs(join(dir, 'base.fvecs'), { data, rows: 64, dim: 8 });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npx embedkit in the repository', () => {
  it('--help: usage on stdout, nothing on stderr', () => {
    const r = npx('--help');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Usage: embedkit/);
  });

  it('similar: neighbours on stdout, nothing on stderr', () => {
    const r = npx('similar', join(dir, 'words.txt'), 'cat', '--topn', '3');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^cat:\n/);
  });

  it('index build and index search (relaxed-SIMD kernels where the engine has them): nothing on stderr', () => {
    const index = join(dir, 'base.ekx');
    const build = npx('index', 'build', '--input', join(dir, 'base.fvecs'), '--metric', 'l2', '--output', index, '--quiet');
    expect(build.err).toBe('');
    expect(build.code).toBe(0);
    const search = npx('index', 'search', '--index', index, '--queries', join(dir, 'base.fvecs'), '--k', '3', '--json');
    expect(search.err).toBe('');
    expect(search.code).toBe(0);
    expect(JSON.parse(search.out).queries).toBe(64);
  });
});
