import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adjustedRandIndex } from '../../src/evaluate/clustering-metrics.js';
import { writeFvecs } from '../../src/io/index.js';
import { ROOT } from '../helpers/paths.js';
import { blobs } from '../tasks/cluster/blobs.js';

const CLI = join(ROOT, 'dist/cli/main.js');
let dir: string;
const { x, labels } = blobs(900, 8, 3, 4);

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: dir });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cluster-cli-'));
  await writeFvecs(join(dir, 'x.fvecs'), x);
  const bad = x.data.slice(0, 80);
  bad[13] = NaN;
  await writeFvecs(join(dir, 'nan.fvecs'), { rows: 10, dim: x.dim, data: bad });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('embedkit cluster', () => {
  it('writes one label per input row and prints a JSON summary', () => {
    const r = run('cluster', '--input', 'x.fvecs', '--k', '3', '--seed', '1', '--output', 'labels.txt', '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.out) as { k: number; inertia: number; iterations: number; seconds: number; sizes: number[] };
    expect(summary.k).toBe(3);
    expect(summary.sizes.reduce((a, b) => a + b)).toBe(900);
    expect(summary.iterations).toBeGreaterThanOrEqual(1);
    const out = readFileSync(join(dir, 'labels.txt'), 'utf8').trim().split('\n').map(Number);
    expect(out).toHaveLength(900);
    expect(adjustedRandIndex(labels, out)).toBeCloseTo(1, 6);
  });

  it('runs DBSCAN on the HNSW index', () => {
    const r = run(
      'cluster',
      '--input',
      'x.fvecs',
      '--method',
      'dbscan',
      '--eps',
      '3',
      '--min-samples',
      '5',
      '--output',
      'db.txt',
      '--json',
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect((JSON.parse(r.out) as { k: number }).k).toBe(3);
    const out = readFileSync(join(dir, 'db.txt'), 'utf8').trim().split('\n').map(Number);
    expect(adjustedRandIndex(labels, out)).toBeGreaterThan(0.95);
    expect(run('cluster', '--input', 'x.fvecs', '--method', 'dbscan').code).toBe(2);
  });

  it('fails clearly on k > n and NaN vectors, writing nothing', () => {
    let r = run('cluster', '--input', 'x.fvecs', '--k', '1000', '--output', 'big.txt');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/k = 1000 is larger than the number of vectors \(900\)/);
    expect(existsSync(join(dir, 'big.txt'))).toBe(false);
    r = run('cluster', '--input', 'nan.fvecs', '--k', '2', '--output', 'nan.txt');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/row 1 has a non-finite value \(NaN\)/);
    expect(existsSync(join(dir, 'nan.txt'))).toBe(false);
    writeFileSync(join(dir, 'empty.fvecs'), '');
    r = run('cluster', '--input', 'empty.fvecs', '--k', '2');
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/empty\.fvecs/);
  });
});
