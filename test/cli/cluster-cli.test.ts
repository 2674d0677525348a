import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adjustedRandIndex } from '../../src/evaluate/clustering-metrics.js';
import { writeFvecs } from '../../src/io/index.js';
import { ROOT } from '../helpers/paths.js';
import { blobs } from '../tasks/cluster/blobs.js';
import { tinyTextEncoder } from '../tasks/search/fixture-encoder.js';

const CLI = join(ROOT, 'dist/cli/main.js');
let dir: string;
let enc: string[];
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
  const { vectorsPath } = await tinyTextEncoder(dir);
  enc = ['--encoder', 'word-vectors', '-O', `vectors=${vectorsPath}`];
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

  it('runs HDBSCAN on the HNSW index and agglomerative clustering', () => {
    let r = run(
      'cluster',
      '-i',
      'x.fvecs',
      '--method',
      'hdbscan',
      '--min-cluster-size',
      '20',
      '--threads',
      '1',
      '-o',
      'h.txt',
      '--silhouette',
      '200',
      '--json',
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const h = JSON.parse(r.out) as {
      method: string;
      k: number;
      noise: number;
      seconds: number;
      rows: number;
      source: string;
      silhouette: number;
    };
    expect(h).toMatchObject({ method: 'hdbscan', k: 3, rows: 900, source: 'vectors' });
    expect(h.silhouette).toBeGreaterThan(0.5); // well-separated blobs
    expect(h.seconds).toBeGreaterThan(0);
    let out = readFileSync(join(dir, 'h.txt'), 'utf8').trim().split('\n').map(Number);
    expect(out).toHaveLength(900);
    expect(adjustedRandIndex(labels, out)).toBeGreaterThan(0.95);
    r = run('cluster', '-i', 'x.fvecs', '--method', 'agglomerative', '--k', '3', '--linkage', 'average', '-o', 'a.txt', '--json');
    expect(r.err).toBe('');
    expect(JSON.parse(r.out)).toMatchObject({ method: 'agglomerative', k: 3, linkage: 'average', rows: 900, dim: 8 });
    out = readFileSync(join(dir, 'a.txt'), 'utf8').trim().split('\n').map(Number);
    expect(adjustedRandIndex(labels, out)).toBeCloseTo(1, 6);
    r = run('cluster', '-i', 'x.fvecs', '--method', 'agglomerative', '--k', '3', '--max-rows', '500', '-o', 'no.txt');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/900 vectors would need .* GiB; the limit is maxRows = 500 \(--max-rows\)/);
    expect(existsSync(join(dir, 'no.txt'))).toBe(false);
    expect(run('cluster', '-i', 'x.fvecs', '--method', 'agglomerative').code).toBe(2); // no --k
    expect(run('cluster', '-i', 'x.fvecs', '--method', 'hdbscan', '--min-cluster-size', '1').code).toBe(2);
  });

  it('clusters the lines of a text file embedded by a text encoder', () => {
    const pets = ['cat purr', 'kitten whiskers', 'cats purr', 'feline whiskers', 'cat kitten'];
    const cars = ['car road', 'automobile engine', 'vehicle wheel', 'car engine wheel', 'drive vehicle'];
    const texts = pets.flatMap((p, i) => [p, cars[i]]);
    writeFileSync(join(dir, 'texts.txt'), `${texts.join('\n')}\n`);
    const r = run('cluster', '-i', 'texts.txt', ...enc, '--method', 'agglomerative', '--k', '2', '-o', 't.txt', '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ k: 2, rows: 10, dim: 16, source: 'word-vectors' });
    const out = readFileSync(join(dir, 't.txt'), 'utf8').trim().split('\n').map(Number);
    expect(
      adjustedRandIndex(
        texts.map((_, i) => i % 2),
        out,
      ),
    ).toBe(1);
  });

  it('fails clearly on bad text and vector inputs', () => {
    // not a vector file: read as texts with the default encoder, stopped by the blank line before any model loads
    writeFileSync(join(dir, 'blank.txt'), 'first text here\n\nthird text\n');
    let r = run('cluster', '-i', 'blank.txt', '--k', '2', '-o', 'b.txt');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/clustering its lines as texts with encoder glove-100-sif/);
    expect(r.err).toMatch(/blank\.txt: line 2 is blank/);
    writeFileSync(join(dir, 'none.txt'), '');
    r = run('cluster', '-i', 'none.txt', '--texts', ...enc, '--k', '2');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/none\.txt: holds no texts \(empty file\)/);
    writeFileSync(join(dir, 'dims.jsonl'), '{"id": 1, "vector": [1, 2, 3]}\n{"id": 2, "vector": [1, 2]}\n');
    r = run('cluster', '-i', 'dims.jsonl', '--method', 'hdbscan', '--min-cluster-size', '2');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/dims\.jsonl: line 2: "vector" has 2 values, the first record \(line 1\) has 3/);
    r = run('cluster', '-i', 'nan.fvecs', '--method', 'hdbscan', '--min-cluster-size', '2', '-o', 'hn.txt');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/row 1 has a non-finite value \(NaN\)/);
    expect(existsSync(join(dir, 'hn.txt'))).toBe(false);
    r = run('cluster', '-i', 'x.fvecs', '--method', 'hdbscan', '--min-cluster-size', '2000');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/minClusterSize = 2000 is larger than the number of vectors \(900\)/);
  });
});
