// The concurrency contract of the indexes (VectorIndex in src/ann/vector-index.ts), adversarially:
// synchronous searches with larger k and ef and other filters while an asynchronous add or
// searchBatch runs on worker threads, synchronous changes during asynchronous calls, queued calls,
// and errors of synchronous adds.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { FlatIndex } from '../../src/ann/flat-index.js';
import { HnswIndex } from '../../src/ann/hnsw-index.js';
import type { SearchHit } from '../../src/ann/types.js';
import { blobs, bruteForce, recall } from './fixtures.js';

const dim = 24;
const n = 3000;
const data = blobs(n, dim, 1);
const queries = blobs(300, dim, 2); // above the size of batches that run on worker threads (256)
const ids = Array.from({ length: n }, (_, i) => i);
const odd = (id: number | string) => (id as number) % 2 === 1;
const even = (id: number | string) => (id as number) % 2 === 0;
const turn = () => new Promise<void>((r) => setImmediate(r));
const dir = mkdtempSync(join(tmpdir(), 'embedkit-concurrency-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every hit passes `allow`, ids are distinct, distances sorted. */
function expectValid(hits: SearchHit[], allow: (id: number | string) => boolean): void {
  expect(hits.length).toBeGreaterThan(0);
  expect(new Set(hits.map((h) => h.id)).size).toBe(hits.length);
  for (const h of hits) expect(allow(h.id)).toBe(true);
  for (let i = 1; i < hits.length; i++) expect(hits[i].distance).toBeGreaterThanOrEqual(hits[i - 1].distance);
}

describe('index concurrency: synchronous searches during asynchronous work', () => {
  it('HNSW: searches with larger k and ef and their own filter during an asynchronous add leave the build intact', async () => {
    const index = new HnswIndex({ metric: 'l2', dim, m: 12, efConstruction: 100, threads: 2 });
    index.addSync(ids.slice(0, 500), data.subarray(0, 500 * dim));
    let done = false;
    const settled = () => (done = true);
    const adding = index.add(ids.slice(500), data.subarray(500 * dim));
    void adding.then(settled, settled);
    let during = 0;
    while (!done) {
      // every round needs larger work areas than the build's (ef 100) and than the round before
      // (the old code planned all areas again, over the ones the workers were using)
      const k = 100 + during;
      const q = during % 100;
      expectValid(index.search(queries.subarray(q * dim, (q + 1) * dim), k, { ef: 2 * k, filter: odd }), odd);
      if (!done) during++;
      await turn();
    }
    await adding;
    expect(during).toBeGreaterThanOrEqual(2); // the searches really overlapped the build
    expect(index.size).toBe(n);
    const truth = bruteForce(data, queries, dim, 10, 'l2');
    expect(recall(index.searchBatchSync(queries, 10, { ef: 200 }), truth)).toBeGreaterThanOrEqual(0.975);
    expect(index.graphStats().meanDegree0).toBeGreaterThan(8);
  });

  it('HNSW: searches with another filter and larger k and ef during an asynchronous searchBatch do not change its results', async () => {
    const index = new HnswIndex({ metric: 'l2', dim, m: 12, efConstruction: 100, threads: 2 });
    index.addSync(ids, data);
    const expected = index.searchBatchSync(queries, 10, { ef: 30, filter: even });
    expect(index.lastSearchPath()).toBe('graph'); // the filter is applied inside the graph search
    let done = false;
    const settled = () => (done = true);
    const batch = index.searchBatch(queries, 10, { ef: 30, filter: even });
    void batch.then(settled, settled);
    let during = 0;
    while (!done) {
      for (let i = 0; i < 20; i++) expectValid(index.search(queries.subarray(i * dim, (i + 1) * dim), 60, { ef: 300, filter: odd }), odd);
      if (!done) during++;
      await turn();
    }
    expect(during).toBeGreaterThanOrEqual(1);
    expect(await batch).toEqual(expected);
  });

  it('flat: searches with another filter and a larger k during an asynchronous searchBatch do not change its results', async () => {
    const index = new FlatIndex({ metric: 'l2', dim, threads: 2 });
    index.addSync(ids, data);
    const expected = index.searchBatchSync(queries, 10, { filter: even });
    let done = false;
    const settled = () => (done = true);
    const batch = index.searchBatch(queries, 10, { filter: even });
    void batch.then(settled, settled);
    let during = 0;
    while (!done) {
      for (let i = 0; i < 5; i++) expectValid(index.search(queries.subarray(i * dim, (i + 1) * dim), 200, { filter: odd }), odd);
      if (!done) during++;
      await turn();
    }
    expect(during).toBeGreaterThanOrEqual(1);
    expect(await batch).toEqual(expected);
  });

  it('flat: searches with a larger k and a filter between the steps of an asynchronous clustering stay exact', async () => {
    const big = blobs(6000, 40, 21, 30);
    const qs = blobs(20, 40, 22, 30);
    const bigIds = Array.from({ length: 6000 }, (_, i) => i);
    const index = new FlatIndex({ metric: 'l2', dim: 40, threads: 2 });
    let done = false;
    const settled = () => (done = true);
    const adding = index.add(bigIds, big);
    void adding.then(settled, settled);
    const truth = bruteForce(big, qs, 40, 150, 'l2', (r) => r % 2 === 1);
    let during = 0;
    while (!done) {
      const clustered = index.clusterCount > 0;
      const res = index.searchBatchSync(qs, 150, { filter: odd });
      expect(res.map((h) => h.map((x) => x.id))).toEqual(truth);
      if (!done && !clustered) during++;
      await turn();
    }
    await adding;
    expect(during).toBeGreaterThanOrEqual(1); // searched while the k-means ran
    expect(index.clusterCount).toBeGreaterThan(0);
    expect(index.searchBatchSync(qs, 150, { filter: odd }).map((h) => h.map((x) => x.id))).toEqual(truth);
  });
});

describe('index concurrency: the asynchronous calls and the synchronous changes', () => {
  for (const make of [() => new HnswIndex({ metric: 'l2', dim, threads: 2 }), () => new FlatIndex({ metric: 'l2', dim, threads: 2 })]) {
    const kind = make().type;
    it(`${kind}: synchronous changes are refused while an asynchronous call is in flight, and work after it`, async () => {
      const index = make();
      index.addSync(ids.slice(0, 100), data.subarray(0, 100 * dim));
      const file = join(dir, `${kind}-busy.ekx`);
      for (const pending of [
        () => index.add(ids.slice(100, 200), data.subarray(100 * dim, 200 * dim)), // small: inserted on this thread
        () => index.searchBatch(queries, 5),
        () => index.save(file),
      ]) {
        const call = pending();
        expect(() => index.addSync([5000], data.subarray(0, dim))).toThrow(UsageError);
        expect(() => index.remove(1)).toThrow(/busy/);
        expect(() => index.compact()).toThrow(/busy/);
        expect(() => index.saveSync(file)).toThrow(/busy/);
        if (index instanceof HnswIndex) expect(() => index.reorder()).toThrow(/busy/);
        else expect(() => index.cluster()).toThrow(/busy/);
        // searches are not refused
        expect(index.search(queries.subarray(0, dim), 3)).toHaveLength(3);
        await call;
      }
      expect(index.remove(1)).toBe(true);
      index.addSync([5000], data.subarray(0, dim));
      index.compact();
      index.saveSync(file);
      expect(index.size).toBe(200);
    });

    it(`${kind}: asynchronous calls run in call order; a queued add copies its input`, async () => {
      const index = make();
      const vectors = data.slice(0, 2500 * dim);
      const first = index.add(ids.slice(0, 2500), vectors);
      const rows = data.slice(2500 * dim);
      const second = index.add(ids.slice(2500), rows); // waits for the first
      rows.fill(1000); // the caller reuses its array at once
      const searched = index.searchBatch(queries, 5, { ef: 100 }); // waits for both adds
      await Promise.all([first, second]);
      expect(index.size).toBe(n);
      expect(Array.from(index.get(2999)!.vector)).toEqual(Array.from(data.subarray(2999 * dim, n * dim)));
      expect(await searched).toEqual(index.searchBatchSync(queries, 5, { ef: 100 }));
    });
  }
});

describe('index concurrency: errors of synchronous adds reach the caller', () => {
  afterEach(() => vi.restoreAllMocks());

  /** Instantiates the kernels from now on with export `name` throwing (the insertion step fails). */
  function failKernelExport(name: string): void {
    const Real = WebAssembly.Instance;
    vi.spyOn(WebAssembly, 'Instance').mockImplementation(function (module: WebAssembly.Module, imports?: WebAssembly.Imports) {
      const real = new Real(module, imports);
      if (!(name in real.exports)) return real;
      const exports = {
        ...real.exports,
        [name]: () => {
          throw new RangeError(`injected failure in ${name}`);
        },
      };
      return { exports } as unknown as WebAssembly.Instance;
    } as unknown as typeof WebAssembly.Instance);
  }

  it('HNSW: addSync throws when inserting into the graph fails', () => {
    failKernelExport('hnsw_insert_list');
    const index = new HnswIndex({ metric: 'l2', dim, threads: 1 });
    expect(() => index.addSync(ids.slice(0, 50), data.subarray(0, 50 * dim))).toThrow(/injected failure/);
  });

  it('flat: addSync throws when clustering the rows fails', () => {
    failKernelExport('flat_assign');
    const big = blobs(4200, 40, 3);
    const index = new FlatIndex({ metric: 'l2', dim: 40, threads: 1 });
    expect(() =>
      index.addSync(
        Array.from({ length: 4200 }, (_, i) => i),
        big,
      ),
    ).toThrow(/injected failure/);
  });
});
