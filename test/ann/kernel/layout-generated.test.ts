// The TypeScript view of the kernel structs is generated from the C headers
// (scripts/gen-kernel-layout.mjs): the committed files must equal a fresh generation, and a
// change on either side without regenerating must be caught.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GRAPH, GRAPH_BYTES, SCRATCH, SCRATCH_BYTES, STORE, STORE_BYTES } from '../../../src/ann/kernel/layout.js';
import { ROOT } from '../../helpers/paths.js';

const SCRIPT = join(ROOT, 'scripts/gen-kernel-layout.mjs');
const C_DIR = 'src/kernels/c/index';
const TS_FILE = 'src/ann/kernel/layout.generated.ts';
const tmp = mkdtempSync(join(tmpdir(), 'embedkit-layout-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function generate(...args: string[]) {
  return spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8' });
}

/** A copy of the generator's inputs and outputs in a fresh root. */
function copyRoot(name: string): string {
  const root = join(tmp, name);
  mkdirSync(join(root, 'src/ann/kernel'), { recursive: true });
  cpSync(join(ROOT, 'src/kernels/c'), join(root, 'src/kernels/c'), { recursive: true });
  cpSync(join(ROOT, TS_FILE), join(root, TS_FILE));
  return root;
}

const clang = spawnSync('clang-14', ['--version']).status === 0;

describe('kernel struct layout', () => {
  it('the committed generated files equal a fresh generation from the C structs', () => {
    const r = generate('--check');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('slots are consecutive int32s and sizes match', () => {
    for (const [slots, bytes] of [
      [STORE, STORE_BYTES],
      [GRAPH, GRAPH_BYTES],
      [SCRATCH, SCRATCH_BYTES],
    ] as const) {
      const values = Object.values(slots).sort((a, b) => a - b);
      expect(values).toEqual(values.map((_, i) => i));
      expect(bytes).toBe(4 * values.length);
    }
    // spot checks against the C definition order
    expect(STORE.dim).toBe(0);
    expect(GRAPH.efConstruction).toBe(2);
  });

  it('a C struct changed without regenerating fails the check', () => {
    const root = copyRoot('swapped');
    const header = join(root, C_DIR, 'store.h');
    const text = readFileSync(header, 'utf8');
    const swapped = text.replace(/( {2}int32_t count;[^\n]*\n)( {2}float\* vectors;[^\n]*\n)/, '$2$1');
    expect(swapped).not.toBe(text);
    writeFileSync(header, swapped);
    const r = generate('--check', '--root', root);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/layout\.generated\.ts and src\/kernels\/c\/index\/layout\.generated\.h differ/);
    // regenerating makes it consistent again, with the new slots
    expect(generate('--root', root).status).toBe(0);
    expect(readFileSync(join(root, TS_FILE), 'utf8')).toMatch(/vectors: 4,\n {2}count: 5,/);
    expect(generate('--check', '--root', root).status).toBe(0);
  });

  it('a hand edit of the generated TypeScript fails the check', () => {
    const root = copyRoot('edited');
    const file = join(root, TS_FILE);
    writeFileSync(file, readFileSync(file, 'utf8').replace('  count: 4,', '  count: 40,'));
    const r = generate('--check', '--root', root);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/layout\.generated\.ts differ/);
  });

  it('refuses a field that is not 4 bytes', () => {
    const root = copyRoot('wide');
    const header = join(root, C_DIR, 'hnsw.h');
    writeFileSync(header, readFileSync(header, 'utf8').replace('  int32_t max_level;', '  int64_t max_level;'));
    const r = generate('--check', '--root', root);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/hnsw\.h:\d+: field 'max_level' is a int64_t; shared structs hold 4-byte fields only/);
  });

  it.skipIf(!clang)('the C build fails when a struct no longer matches the generated offsets', () => {
    const root = copyRoot('asserts');
    const header = join(root, C_DIR, 'hnsw.h');
    writeFileSync(header, readFileSync(header, 'utf8').replace(/( {2}int32_t entry;[^\n]*\n)( {2}int32_t max_level;[^\n]*\n)/, '$2$1'));
    const compile = (dir: string) =>
      spawnSync('clang-14', ['--target=wasm32', '-std=c11', '-msimd128', '-c', '-o', join(tmp, 'layout.o'), join(dir, C_DIR, 'layout.c')], {
        encoding: 'utf8',
      });
    const r = compile(root);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/Graph\.entry does not match src\/ann\/kernel\/layout\.generated\.ts/);
    expect(compile(ROOT).status).toBe(0); // the committed headers pass
  });
});
