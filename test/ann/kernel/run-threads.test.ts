import { describe, expect, it } from 'vitest';
import { FlatIndex } from '../../../src/ann/flat-index.js';
import { HnswIndex } from '../../../src/ann/hnsw-index.js';
import { idleWorkerCount } from '../../../src/ann/kernel/run-threads.js';
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

describe('asynchronous operations on one index', () => {
  it('run one at a time: concurrent searchBatch, add and save give the answers of running them in order', async () => {
    const index = new FlatIndex({ metric: 'cosine', dim, threads: 2 });
    index.addSync(ids.slice(0, 1500), data.subarray(0, 1500 * dim));
    const before = index.searchBatchSync(queries, 5);
    const batch = queries.slice();
    const calls = [
      index.searchBatch(batch, 5),
      index.add(ids.slice(1500), data.subarray(1500 * dim)),
      index.searchBatch(batch, 5),
    ] as const;
    batch.fill(0); // the queued search copied its input when called
    const [a, , b] = await Promise.all(calls);
    expect(a).toEqual(before);
    expect(b).toEqual(index.searchBatchSync(queries, 5));
    expect(index.size).toBe(2000);
    const [c, d] = await Promise.all([index.searchBatch(queries, 5), index.searchBatch(queries, 5)]);
    expect(c).toEqual(b);
    expect(d).toEqual(b);
  });
});
