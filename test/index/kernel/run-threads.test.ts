import { describe, expect, it } from 'vitest';
import { FlatIndex } from '../../../src/index/flat-index.js';
import { HnswIndex } from '../../../src/index/hnsw-index.js';
import { idleWorkerCount } from '../../../src/index/kernel/run-threads.js';
import { blobs } from '../fixtures.js';

const dim = 16;
const data = blobs(2000, dim, 3);
const queries = blobs(300, dim, 4); // above the parallel threshold (256)
const ids = Array.from({ length: 2000 }, (_, i) => i);

describe('index worker pool', () => {
  it('keeps its workers between batches and gives the same answers as the synchronous path', async () => {
    const index = new FlatIndex({ metric: 'l2', dim, threads: 2 });
    index.addSync(ids, data);
    const sync = index.searchBatchSync(queries, 5);
    const first = await index.searchBatch(queries, 5);
    expect(first).toEqual(sync);
    const pooled = idleWorkerCount();
    expect(pooled).toBeGreaterThanOrEqual(2);
    const second = await index.searchBatch(queries, 5);
    expect(second).toEqual(sync);
    expect(idleWorkerCount()).toBe(pooled); // reused, none started
  });

  it('follows an index whose memory was replaced (grown) and serves several indexes', async () => {
    const flat = new FlatIndex({ metric: 'cosine', dim, threads: 2, capacity: 16 });
    flat.addSync(ids.slice(0, 100), data.subarray(0, 100 * dim));
    await flat.searchBatch(queries, 3);
    flat.addSync(ids.slice(100), data.subarray(100 * dim)); // grows: a new kernel memory
    const hnsw = new HnswIndex({ metric: 'cosine', dim, threads: 2 });
    await hnsw.add(ids, data); // the insert job runs on pooled workers too
    const [a, b] = await Promise.all([flat.searchBatch(queries, 3), hnsw.searchBatch(queries, 3, { ef: 200 })]);
    expect(a).toEqual(flat.searchBatchSync(queries, 3));
    expect(b).toEqual(hnsw.searchBatchSync(queries, 3, { ef: 200 }));
  });
});
