// The committed WebAssembly kernels (src/kernels/*.wasm, shipped so that installing needs no C
// toolchain) are exactly what src/kernels/build-wasm.sh makes from the C and WAT sources with
// Debian's clang-14, lld-14 and wabt (installed by npm test's pretest step): a kernel source edited
// without `npm run build:wasm`, or a .wasm edited by hand, fails here.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';

const KERNELS = join(ROOT, 'src/kernels');
const out = mkdtempSync(join(tmpdir(), 'embedkit-wasm-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const wasmFiles = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.wasm'))
    .sort();

describe('WebAssembly kernels', () => {
  it('the committed .wasm files equal a fresh build from src/kernels/c', () => {
    const r = spawnSync('bash', [join(KERNELS, 'build-wasm.sh'), out], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(wasmFiles(out)).toEqual(wasmFiles(KERNELS));
    for (const file of wasmFiles(KERNELS)) {
      const same = readFileSync(join(out, file)).equals(readFileSync(join(KERNELS, file)));
      expect(same, `src/kernels/${file} differs from a fresh build: run npm run build:wasm and commit it`).toBe(true);
    }
  }, 300_000);
});
