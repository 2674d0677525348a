import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBvecs, writeFvecs, writeIvecs } from '../../src/io/index.js';
import { ROOT } from '../helpers/paths.js';
import { blobs } from '../ann/fixtures.js';

const CLI = join(ROOT, 'dist/cli/main.js');
const dim = 16;
const n = 2000;
const nq = 300;
const k = 10;
const base = blobs(n, dim, 11);
const queries = blobs(nq, dim, 12);
let dir: string;

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: dir });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function json(...args: string[]) {
  const r = run(...args, '--json');
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.out);
}

/** Exact k nearest rows by brute force in float64 (ties broken by row). */
function exact(data: Float32Array, qs: Float32Array, d: number, metric: 'l2' | 'cosine'): number[][] {
  const rows = data.length / d;
  const norm = (a: Float32Array, i: number) => Math.sqrt(a.subarray(i * d, (i + 1) * d).reduce((s, x) => s + x * x, 0));
  return Array.from({ length: qs.length / d }, (_, q) => {
    const qn = norm(qs, q);
    const scored: [number, number][] = [];
    for (let i = 0; i < rows; i++) {
      let dot = 0;
      let l2 = 0;
      for (let j = 0; j < d; j++) {
        dot += qs[q * d + j] * data[i * d + j];
        l2 += (qs[q * d + j] - data[i * d + j]) ** 2;
      }
      scored.push([metric === 'l2' ? l2 : 1 - dot / (qn * norm(data, i)), i]);
    }
    scored.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    return scored.slice(0, k).map((s) => s[1]);
  });
}

async function writeTruth(file: string, truth: number[][]): Promise<void> {
  await writeIvecs(join(dir, file), { data: Int32Array.from(truth.flat()), rows: truth.length, dim: k });
}

const jsonlRecords = 400;
function jsonl(records: number, seed: number): { text: string; data: Float32Array } {
  const data = blobs(records, 8, seed, 6);
  const lines = Array.from({ length: records }, (_, i) =>
    JSON.stringify({ id: `doc-${seed}-${i}`, vector: Array.from(data.subarray(i * 8, (i + 1) * 8)), lang: i % 2 ? 'en' : 'fr', n: i }),
  );
  return { text: `${lines.join('\n')}\n`, data };
}

let l2Truth: number[][];
let cosTruth: number[][];
let jsonlBase: { text: string; data: Float32Array };
let jsonlQueries: { text: string; data: Float32Array };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'embedkit-index-cli-'));
  await writeFvecs(join(dir, 'base.fvecs'), { data: base, rows: n, dim });
  await writeFvecs(join(dir, 'queries.fvecs'), { data: queries, rows: nq, dim });
  l2Truth = exact(base, queries, dim, 'l2');
  await writeTruth('gt_l2.ivecs', l2Truth);
  jsonlBase = jsonl(jsonlRecords, 21);
  jsonlQueries = jsonl(20, 22);
  writeFileSync(join(dir, 'docs.jsonl'), jsonlBase.text);
  writeFileSync(join(dir, 'questions.jsonl'), jsonlQueries.text);
  cosTruth = exact(jsonlBase.data, jsonlQueries.data, 8, 'cosine');
  await writeTruth('gt_docs.ivecs', cosTruth);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('embedkit index', () => {
  it('builds flat and HNSW indexes from .fvecs and reports the build as JSON', () => {
    const flat = json('index', 'build', '--input', 'base.fvecs', '--metric', 'l2', '--type', 'flat', '--output', 'flat.ekx');
    expect(flat).toMatchObject({ vectors: n, dim, metric: 'l2', type: 'flat', quantize: 'int8', idSource: 'row-numbers' });
    expect(flat.bytes).toBe(statSync(join(dir, 'flat.ekx')).size);
    expect(flat.bytes).toBeGreaterThan(n * dim * 4);
    expect(flat.seconds).toBeGreaterThanOrEqual(flat.buildSeconds);
    const hnsw = json(
      'index',
      'build',
      '-i',
      'base.fvecs',
      '--metric',
      'l2',
      '--m',
      '12',
      '--ef-construction',
      '100',
      '--threads',
      '2',
      '-o',
      'hnsw.ekx',
    );
    expect(hnsw).toMatchObject({
      vectors: n,
      dim,
      metric: 'l2',
      type: 'hnsw',
      m: 12,
      efConstruction: 100,
      efSearch: 50,
      seed: 100,
      threads: 2,
    });
    expect(hnsw.bytes).toBe(statSync(join(dir, 'hnsw.ekx')).size);
    expect(hnsw.bytes).toBeGreaterThan(flat.bytes); // + the graph
    const int8 = json(
      'index',
      'build',
      '-i',
      'base.fvecs',
      '--metric',
      'l2',
      '--quantize',
      'int8',
      '--limit',
      '500',
      '--threads',
      '1',
      '-o',
      'int8.ekx',
    );
    expect(int8).toMatchObject({ vectors: 500, quantize: 'int8', int8Range: 'per-dimension', threads: 1 });
  });

  it('flat search is exact: recall 1 and the brute-force neighbours in order, in every query mode', () => {
    const perQuery = json(
      'index',
      'search',
      '--index',
      'flat.ekx',
      '--queries',
      'queries.fvecs',
      '--k',
      '10',
      '--ground-truth',
      'gt_l2.ivecs',
      '--results',
    );
    expect(perQuery).toMatchObject({ queries: nq, k, mode: 'per-query', threads: 1, recall: 1, recallAt: 10 });
    expect(perQuery.qps).toBeCloseTo(nq / perQuery.seconds, 6);
    expect(perQuery.latency.p50Ms).toBeLessThanOrEqual(perQuery.latency.p99Ms);
    const ids = perQuery.results.map((r: { hits: { id: number }[] }) => r.hits.map((h) => h.id));
    expect(ids).toEqual(l2Truth);
    for (const r of perQuery.results) for (let j = 1; j < k; j++) expect(r.hits[j].distance).toBeGreaterThanOrEqual(r.hits[j - 1].distance);
    const batch = json('index', 'search', '--index', 'flat.ekx', '--queries', 'queries.fvecs', '--ground-truth', 'gt_l2.ivecs', '--batch');
    expect(batch).toMatchObject({ mode: 'batch', threads: 1, recall: 1 });
    expect(batch.results).toBeUndefined(); // more than 100 queries and no --results
    const threaded = json(
      'index',
      'search',
      '--index',
      'flat.ekx',
      '--queries',
      'queries.fvecs',
      '--ground-truth',
      'gt_l2.ivecs',
      '--threads',
      '2',
      '--results',
    );
    expect(threaded).toMatchObject({ mode: 'batch', threads: 2, recall: 1 });
    expect(threaded.results.map((r: { hits: { id: number }[] }) => r.hits.map((h) => h.id))).toEqual(l2Truth);
  });

  it('HNSW search: recall ≥ 0.9 at a generous ef, and not better at ef 10', () => {
    const wide = json(
      'index',
      'search',
      '--index',
      'hnsw.ekx',
      '--queries',
      'queries.fvecs',
      '--ef',
      '200',
      '--ground-truth',
      'gt_l2.ivecs',
      '--batch',
    );
    expect(wide.ef).toBe(200);
    expect(wide.recall).toBeGreaterThanOrEqual(0.9);
    const narrow = json(
      'index',
      'search',
      '--index',
      'hnsw.ekx',
      '--queries',
      'queries.fvecs',
      '--ef',
      '10',
      '--ground-truth',
      'gt_l2.ivecs',
      '--threads',
      '2',
    );
    expect(narrow.recall).toBeLessThanOrEqual(wide.recall);
    const int8 = json('index', 'search', '--index', 'int8.ekx', '--queries', 'queries.fvecs', '--ef', '100', '--limit', '5', '-k', '3');
    expect(int8.queries).toBe(5);
    for (const r of int8.results) expect(r.hits).toHaveLength(3);
    // human output: per-query neighbours, then the summary with recall
    const human = run(
      'index',
      'search',
      '--index',
      'hnsw.ekx',
      '--queries',
      'queries.fvecs',
      '--limit',
      '2',
      '-k',
      '3',
      '--ground-truth',
      'gt_l2.ivecs',
    );
    expect(human.code).toBe(0);
    expect(human.out).toMatch(/^0:\n {2}\d+\.\d{4} {2}\d+\n/);
    expect(human.out).toMatch(/2 queries, k 3, ef 50 on hnsw l2 index of 2000 vectors: .* QPS/);
    expect(human.out).toMatch(/recall@3 \d\.\d{4}/);
    // --repeat: the fastest of n runs, the same results as one run
    const once = json(
      'index',
      'search',
      '--index',
      'int8.ekx',
      '--queries',
      'queries.fvecs',
      '--ef',
      '40',
      '--limit',
      '50',
      '--batch',
      '--results',
    );
    const thrice = json(
      'index',
      'search',
      '--index',
      'int8.ekx',
      '--queries',
      'queries.fvecs',
      '--ef',
      '40',
      '--limit',
      '50',
      '--batch',
      '--results',
      '--repeat',
      '3',
    );
    expect(once.runs).toBe(1);
    expect(thrice.runs).toBe(3);
    expect(thrice.seconds).toBeLessThanOrEqual(thrice.firstSeconds);
    expect(thrice.results).toEqual(once.results);
    const perQuery = run('index', 'search', '--index', 'int8.ekx', '--queries', 'queries.fvecs', '--limit', '20', '--repeat', '2');
    expect(perQuery.out).toMatch(
      /20 queries, k 10, .* index of 500 vectors: .* QPS \(one call per query, 1 thread, fastest of 2 runs \(first \d+\.\d{3} s\); load/,
    );
    expect(run('index', 'search', '--index', 'int8.ekx', '--queries', 'queries.fvecs', '--repeat', '0').code).toBe(2);
  });

  it('JSON Lines input: string ids and metadata are kept; recall maps ground-truth rows to the ids', () => {
    const built = json('index', 'build', '--input', 'docs.jsonl', '--metric', 'cosine', '--type', 'flat', '--output', 'docs.ekx');
    expect(built).toMatchObject({ vectors: jsonlRecords, dim: 8, metric: 'cosine', idSource: 'jsonl', metadata: true });
    const r = json(
      'index',
      'search',
      '--index',
      'docs.ekx',
      '--queries',
      'questions.jsonl',
      '--ground-truth',
      'gt_docs.ivecs',
      '--base',
      'docs.jsonl',
    );
    expect(r.recall).toBe(1);
    expect(r.results[3].query).toBe('doc-22-3');
    const top = r.results[3].hits[0];
    expect(top.id).toBe(`doc-21-${cosTruth[3][0]}`);
    expect(top.metadata).toEqual({ lang: cosTruth[3][0] % 2 ? 'en' : 'fr', n: cosTruth[3][0] });
    const hnsw = json('index', 'build', '-i', 'docs.jsonl', '--metric', 'cos', '-o', 'docs-hnsw.ekx', '--quantize', 'int8');
    expect(hnsw).toMatchObject({ type: 'hnsw', metric: 'cosine', quantize: 'int8' });
    const h = json(
      'index',
      'search',
      '--index',
      'docs-hnsw.ekx',
      '--queries',
      'questions.jsonl',
      '--ef',
      '100',
      '--ground-truth',
      'gt_docs.ivecs',
      '--base',
      'docs.jsonl',
    );
    expect(h.recall).toBeGreaterThanOrEqual(0.9);
    expect(typeof h.results[0].hits[0].id).toBe('string');
  });

  it('--ids names the vectors, one id per line', () => {
    writeFileSync(join(dir, 'ids.txt'), `${Array.from({ length: n }, (_, i) => `v${i}`).join('\n')}\n`);
    json('index', 'build', '-i', 'base.fvecs', '--metric', 'l2', '--type', 'flat', '--ids', 'ids.txt', '-o', 'named.ekx');
    const r = json(
      'index',
      'search',
      '--index',
      'named.ekx',
      '--queries',
      'queries.fvecs',
      '--limit',
      '4',
      '--ground-truth',
      'gt_l2.ivecs',
      '--ids',
      'ids.txt',
    );
    expect(r.recall).toBe(1);
    expect(r.results[2].hits.map((h: { id: string }) => h.id)).toEqual(l2Truth[2].map((i) => `v${i}`));
    const short = run('index', 'build', '-i', 'base.fvecs', '--metric', 'l2', '--ids', 'ids.txt', '--limit', '10', '-o', 'x.ekx', '--json');
    expect(short.code).toBe(0); // with --limit only the first ids are used
    writeFileSync(join(dir, 'few-ids.txt'), 'a\nb\n');
    const bad = run('index', 'build', '-i', 'base.fvecs', '--metric', 'l2', '--ids', 'few-ids.txt', '-o', 'x.ekx');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/few-ids\.txt: has 2 ids, the vectors file has 2000 vectors/);
  });

  it('info shows the settings and graph statistics', () => {
    const info = json('index', 'info', 'hnsw.ekx');
    expect(info).toMatchObject({
      type: 'hnsw',
      metric: 'l2',
      dim,
      size: n,
      quantize: 'int8',
      m: 12,
      efConstruction: 100,
      efSearch: 50,
      seed: 100,
    });
    expect(info.bytes).toBe(statSync(join(dir, 'hnsw.ekx')).size);
    expect(info.graph.levelCounts[0]).toBe(n);
    expect(info.graph.levelCounts.length).toBe(info.graph.maxLevel + 1);
    expect(info.graph.meanDegree0).toBeGreaterThan(1);
    expect(info.graph.meanDegree0).toBeLessThanOrEqual(24);
    const flat = json('index', 'info', 'int8.ekx');
    expect(flat).toMatchObject({ size: 500, quantize: 'int8', int8Range: 'per-dimension' });
    const human = run('index', 'info', 'flat.ekx');
    expect(human.out).toMatch(/^file +flat\.ekx \(/);
    expect(human.out).toMatch(/\ntype +flat \(exact\)\n/);
    expect(human.out).toMatch(/\nvectors +2000\n/);
  });

  it('errors: corrupt or missing files exit 1 naming the file, bad usage exits 2', () => {
    const bytes = readFileSync(join(dir, 'hnsw.ekx'));
    writeFileSync(join(dir, 'truncated.ekx'), bytes.subarray(0, bytes.length - 100));
    for (const args of [
      ['index', 'info', 'truncated.ekx'],
      ['index', 'search', '--index', 'truncated.ekx', '--queries', 'queries.fvecs'],
    ]) {
      const r = run(...args);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/^embedkit: error: truncated\.ekx: /);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }
    const flipped = Buffer.from(bytes);
    flipped[20000] ^= 0xff; // inside the vectors section
    writeFileSync(join(dir, 'flipped.ekx'), flipped);
    const c = run('index', 'info', 'flipped.ekx');
    expect(c.code).toBe(1);
    expect(c.err).toMatch(/flipped\.ekx: .*checksum/);
    const notIndex = run('index', 'info', 'base.fvecs');
    expect(notIndex.code).toBe(1);
    expect(notIndex.err).toMatch(/base\.fvecs: not an embedkit index/);
    const missing = run('index', 'build', '-i', 'nope.fvecs', '--metric', 'l2', '-o', 'x.ekx');
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/nope\.fvecs/);
    const dims = run('index', 'search', '--index', 'hnsw.ekx', '--queries', 'questions.jsonl');
    expect(dims.code).toBe(1);
    expect(dims.err).toMatch(/questions\.jsonl: has dimension 8, the index hnsw\.ekx has 16/);
    const metric = run('index', 'build', '-i', 'base.fvecs', '--metric', 'manhattan', '-o', 'x.ekx');
    expect(metric.code).toBe(2);
    expect(metric.err).toMatch(/'manhattan' is not one of cosine, l2, ip, hamming/);
    expect(run('index', 'build', '-i', 'base.fvecs', '-o', 'x.ekx').code).toBe(2); // --metric is required
    expect(run('index', 'search', '--index', 'hnsw.ekx', '--queries', 'queries.fvecs', '--k', '0').code).toBe(2);
    const hammingInt8 = run('index', 'build', '-i', 'base.fvecs', '--metric', 'hamming', '--quantize', 'int8', '-o', 'x.ekx');
    expect(hammingInt8.code).toBe(2); // UsageError from the index
    expect(hammingInt8.err).toMatch(/^embedkit: usage error: .*quantize must be none/);
    expect(run('index', 'info', 'truncated.ekx', '--verbose').err).toMatch(/\n\s+at /);
  });

  it('hamming: float inputs are binarised (value > 0 = bit set), .bvecs bytes are packed bits', async () => {
    const bits = new Float32Array(64 * 16);
    for (let i = 0; i < bits.length; i++) bits[i] = (i * 2654435761) % 7 < 3 ? 1 : 0;
    await writeFvecs(join(dir, 'bits.fvecs'), { data: bits, rows: 64, dim: 16 });
    const b = json('index', 'build', '-i', 'bits.fvecs', '--metric', 'hamming', '--type', 'flat', '-o', 'bits.ekx');
    expect(b).toMatchObject({ vectors: 64, dim: 16, metric: 'hamming' });
    const r = json('index', 'search', '--index', 'bits.ekx', '--queries', 'bits.fvecs', '--limit', '3', '-k', '64');
    r.results.forEach((q: { hits: { id: number; distance: number }[] }, qi: number) => {
      for (const h of q.hits) {
        let d = 0;
        for (let j = 0; j < 16; j++) d += bits[qi * 16 + j] !== bits[h.id * 16 + j] ? 1 : 0;
        expect(h.distance).toBe(d);
      }
      expect(q.hits[0].distance).toBe(0);
    });
    // the same bits packed 8 per byte in a .bvecs file: same index dimension, same distances
    const packed = new Uint8Array(64 * 2);
    for (let i = 0; i < bits.length; i++) if (bits[i] > 0) packed[(i >> 4) * 2 + ((i & 15) >> 3)] |= 1 << (i & 7);
    await writeBvecs(join(dir, 'bits.bvecs'), { data: packed, rows: 64, dim: 2 });
    expect(json('index', 'build', '-i', 'bits.bvecs', '--metric', 'hamming', '--type', 'flat', '-o', 'bytes.ekx').dim).toBe(16);
    const same = json('index', 'search', '--index', 'bytes.ekx', '--queries', 'bits.fvecs', '--limit', '3', '-k', '64');
    const dists = (x: { results: { hits: { distance: number }[] }[] }) => x.results.map((q) => q.hits.map((h) => h.distance));
    expect(dists(same)).toEqual(dists(r));
  });
});
