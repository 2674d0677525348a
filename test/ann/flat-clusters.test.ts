import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FlatIndex } from '../../src/ann/flat-index.js';
import { loadIndex } from '../../src/ann/persistence.js';
import type { Metric, SearchHit } from '../../src/ann/types.js';
import { blobs, bruteForce } from './fixtures.js';

const dim = 40;
const n = 6000; // above the clustering threshold (4,096)
// the queries are further points of the same blobs (same seed: same centres)
const points = blobs(n + 80, dim, 21, 30);
const data = points.slice(0, n * dim);
const queries = points.slice(n * dim);
const ids = Array.from({ length: n }, (_, i) => i);
const dir = mkdtempSync(join(tmpdir(), 'embedkit-flat-clusters-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function idsOf(hits: SearchHit[][]): number[][] {
  return hits.map((h) => h.map((x) => x.id as number));
}

describe('flat index: k-means clusters with triangle-inequality pruning', () => {
  for (const metric of ['l2', 'cosine', 'ip'] as Metric[]) {
    it(`${metric}: clusters the rows and stays exact`, () => {
      const index = new FlatIndex({ metric, dim });
      index.addSync(ids, data);
      expect(index.clusterCount).toBeGreaterThanOrEqual(50);
      const truth = bruteForce(data, queries, dim, 10, metric as 'l2' | 'ip' | 'cosine');
      expect(idsOf(index.searchBatchSync(queries, 10))).toEqual(truth);
      // single queries (no query reordering) agree too
      expect(idsOf([index.search(queries.subarray(0, dim), 10)])).toEqual([truth[0]]);
    });
  }

  it('skips most rows on clustered data', () => {
    const index = new FlatIndex({ metric: 'l2', dim });
    index.addSync(ids, data);
    expect(index.clusterCount).toBeGreaterThan(0);
    index.searchBatchSync(queries.subarray(0, 64 * dim), 10); // one kernel call (64 queries)
    // 8 blocks of 8 queries: without clusters every block screens all n rows
    expect(index.lastScreenedRows()).toBeGreaterThan(0);
    expect(index.lastScreenedRows()).toBeLessThan(0.3 * 8 * n);
  });

  it('stays exact after removals, reused slots, updates in place and a tail of new rows', async () => {
    const index = new FlatIndex({ metric: 'l2', dim });
    index.addSync(ids, data);
    const rows = data.slice();
    const live = new Set(ids);
    // remove 500 rows, then add vectors from other clusters under new ids (reusing their slots)
    for (let i = 0; i < 500; i++) {
      index.remove(i * 7);
      live.delete(i * 7);
    }
    index.compact();
    const extra = blobs(700, dim, 23, 30);
    const extraIds = Array.from({ length: 700 }, (_, i) => n + i);
    index.addSync(extraIds, extra);
    // update 300 existing ids in place with far-away vectors
    const moved = blobs(300, dim, 24, 5).map((v) => v * 3);
    const movedIds = Array.from({ length: 300 }, (_, i) => 1 + i * 13).filter((id) => live.has(id));
    index.addSync(movedIds, moved.subarray(0, movedIds.length * dim));
    movedIds.forEach((id, j) => rows.set(moved.subarray(j * dim, (j + 1) * dim), id * dim));
    // the expected answer: brute force over the live rows
    const all = new Float32Array((n + 700) * dim);
    all.set(rows);
    all.set(extra, n * dim);
    const allow = (r: number) => (r < n ? live.has(r) : true);
    const truth = bruteForce(all, queries, dim, 10, 'l2', allow);
    expect(idsOf(index.searchBatchSync(queries, 10))).toEqual(truth);
    expect(idsOf(await index.searchBatch(queries, 10))).toEqual(truth);
    // the clusters survive a save/load round trip
    const file = join(dir, 'clustered.ekx');
    await index.save(file);
    const loaded = (await loadIndex(file)) as FlatIndex;
    expect(loaded.clusterCount).toBe(index.clusterCount);
    expect(idsOf(loaded.searchBatchSync(queries, 10))).toEqual(truth);
  });

  it('the async add clusters with turns for the event loop, and searches meanwhile stay exact', async () => {
    const index = new FlatIndex({ metric: 'l2', dim, threads: 2 });
    const truth = bruteForce(data, queries, dim, 10, 'l2');
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const adding = index.add(ids, data);
    await new Promise((r) => setImmediate(r));
    // rows are written: a search between the k-means steps sees every row, exactly
    expect(index.clusterCount).toBe(0); // (the k-means is still running)
    expect(idsOf(index.searchBatchSync(queries, 10))).toEqual(truth);
    await adding;
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(0);
    expect(index.clusterCount).toBeGreaterThan(0);
    expect(idsOf(index.searchBatchSync(queries, 10))).toEqual(truth);
  });

  it('re-clusters when many rows were added since the last clustering', () => {
    const index = new FlatIndex({ metric: 'cosine', dim });
    index.addSync(ids.slice(0, 4100), data.subarray(0, 4100 * dim));
    const first = index.clusterCount;
    expect(first).toBeGreaterThan(0);
    index.addSync(ids.slice(4100), data.subarray(4100 * dim));
    expect(index.clusterCount).toBe(Math.round(Math.sqrt(n)));
    expect(idsOf(index.searchBatchSync(queries, 5))).toEqual(bruteForce(data, queries, dim, 5, 'cosine'));
  });

  it('refuses a file whose cluster table is inconsistent, naming the file', async () => {
    const index = new FlatIndex({ metric: 'l2', dim });
    index.addSync(ids, data);
    const file = join(dir, 'bad-clusters.ekx');
    await index.save(file);
    // rewrite the header's clusteredEnd (the JSON metadata is not covered by a section checksum)
    const bytes = readFileSync(file);
    const text = bytes.toString('latin1');
    const at = text.indexOf(`"clusteredEnd":${n}`);
    expect(at).toBeGreaterThan(0);
    const patched = Buffer.from(text.replace(`"clusteredEnd":${n}`, `"clusteredEnd":${n - 1}`), 'latin1');
    writeFileSync(file, patched);
    await expect(loadIndex(file)).rejects.toThrow(/bad-clusters\.ekx/);
  });
});
