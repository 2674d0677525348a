import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kernelBuild, useRelaxedSimd } from '../../src/kernels/wasm.js';
import { FlatIndex } from '../../src/ann/flat-index.js';
import type { Metric } from '../../src/ann/types.js';
import { mulberry32 } from '../../src/math/random.js';
import { blobs, bruteForce } from './fixtures.js';
import type { SearchHit } from '../../src/ann/types.js';

/** Same ids in the same order; distances equal up to float rounding (the scans sum differently). */
function expectSameHits(a: SearchHit[][], b: SearchHit[][]): void {
  expect(a.map((h) => h.map((x) => x.id))).toEqual(b.map((h) => h.map((x) => x.id)));
  a.forEach((h, q) =>
    h.forEach((x, j) => expect(Math.abs(x.distance - b[q][j].distance)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(x.distance)))),
  );
}

/**
 * The same k nearest up to near-ties: distance lists equal up to float rounding, and every hit of
 * `a` clearly inside the k-th distance of `b` is also a hit of `b` (hits closer than rounding may
 * swap places when the two scans sum in a different order).
 */
function expectSameHitsUpToTies(a: SearchHit[][], b: SearchHit[][]): void {
  const close = (x: number, y: number) => Math.abs(x - y) <= 1e-5 * (1 + Math.abs(x));
  a.forEach((h, q) => {
    expect(h.length).toBe(b[q].length);
    h.forEach((x, j) => expect(close(x.distance, b[q][j].distance)).toBe(true));
    const kth = b[q][b[q].length - 1].distance;
    const ids = new Set(b[q].map((x) => x.id));
    for (const x of h) if (!close(x.distance, kth)) expect(ids.has(x.id)).toBe(true);
  });
}

// Both kernel builds (src/kernels/build-wasm.sh): the first screening stage differs (12-bit query
// codes, or 7-bit ones with relaxed SIMD), the results must not.
for (const relaxed of [false, true]) {
  describe(`flat index, ${relaxed ? 'relaxed-SIMD' : 'SIMD128'} kernel`, () => {
    beforeAll(() => {
      useRelaxedSimd(relaxed);
      // Node 20 has relaxed SIMD behind a V8 flag that the loader turns on; newer Node has it on
      expect(kernelBuild('index')).toBe(relaxed ? 'relaxed-simd' : 'simd128');
    });
    afterAll(() => useRelaxedSimd(undefined));

    describe('flat index: exact search with int8 pruning', () => {
      const dim = 37; // not a multiple of 4 or 16
      const n = 2500;
      const data = blobs(n, dim, 11, 8);
      // near-duplicates make the pruning bounds matter
      for (let i = 0; i < 200; i++)
        for (let d = 0; d < dim; d++) data[(n - 200 + i) * dim + d] = data[i * dim + d] + (d === 0 ? 1e-4 * (i + 1) : 0);
      const queries = blobs(60, dim, 12, 8);
      queries.set(data.subarray(5 * dim, 6 * dim), 0); // a query equal to a stored vector
      const ids = Array.from({ length: n }, (_, i) => i);

      for (const metric of ['l2', 'cosine', 'ip'] as Metric[]) {
        it(`${metric}: identical ids and distances to the unquantized scan and brute force`, () => {
          const pruned = new FlatIndex({ metric, dim });
          const plain = new FlatIndex({ metric, dim, quantize: 'none' });
          pruned.addSync(ids, data);
          plain.addSync(ids, data);
          const a = pruned.searchBatchSync(queries, 15);
          const b = plain.searchBatchSync(queries, 15);
          expectSameHits(a, b);
          const truth = bruteForce(data, queries, dim, 15, metric as 'l2' | 'ip' | 'cosine');
          a.forEach((hits, q) => expect(hits.map((h) => h.id)).toEqual(truth[q]));
          if (metric === 'l2') expect(a[0][0]).toMatchObject({ id: 5, distance: 0 });
        });
      }

      it('stays exact with deletions, filters, and large k', () => {
        const pruned = new FlatIndex({ metric: 'l2', dim });
        const plain = new FlatIndex({ metric: 'l2', dim, quantize: 'none' });
        for (const ix of [pruned, plain]) {
          ix.addSync(ids, data);
          for (let i = 0; i < 300; i++) ix.remove(Math.floor(mulberry32(i)() * n));
        }
        expectSameHits(pruned.searchBatchSync(queries, 200), plain.searchBatchSync(queries, 200));
        const filter = (id: number | string) => (id as number) % 7 === 3;
        expectSameHits(pruned.searchBatchSync(queries, 10, { filter }), plain.searchBatchSync(queries, 10, { filter }));
      });
    });

    describe('flat index: screening bounds far from the origin', () => {
      // Every vector shifted by a large common offset: q·x is large and the terms of the bounds nearly
      // cancel, which is where the float slack of the screening tests matters. Without a rotation
      // (dim < 32) and with one (dim 40).
      for (const dim of [12, 40]) {
        const n = 3000; // below the clustering threshold: both indexes scan in row order
        const shift = (m: Float32Array) => m.map((v) => v + 60);
        const data = shift(blobs(n, dim, 21, 8));
        const queries = shift(blobs(40, dim, 22, 8));
        const ids = Array.from({ length: n }, (_, i) => i);
        for (const metric of ['l2', 'cosine', 'ip'] as Metric[]) {
          it(`dim ${dim}, ${metric}: same hits as the unquantized scan`, () => {
            const pruned = new FlatIndex({ metric, dim });
            const plain = new FlatIndex({ metric, dim, quantize: 'none' });
            pruned.addSync(ids, data);
            plain.addSync(ids, data);
            expectSameHitsUpToTies(pruned.searchBatchSync(queries, 10), plain.searchBatchSync(queries, 10));
            expect(pruned.lastScreenedRows()).toBeGreaterThan(0); // the int8 screen ran
          });
        }
      }
    });

    describe('flat index: rows the codes represent exactly', () => {
      // Values on the quantizer's grid (k/127, both ends present in every dimension): the rows'
      // code errors vanish, so the query-code rounding term alone keeps near-boundary rows in.
      const dim = 12;
      const n = 3000;
      const rnd = mulberry32(5);
      const data = Float32Array.from({ length: n * dim }, (_, i) =>
        i < 2 * dim ? (i < dim ? -1 : 1) : Math.round(rnd() * 254 - 127) / 127,
      );
      const queries = Float32Array.from({ length: 200 * dim }, () => rnd() * 2 - 1);
      const ids = Array.from({ length: n }, (_, i) => i);
      for (const metric of ['l2', 'ip'] as Metric[]) {
        it(`${metric}: same hits as the unquantized scan`, () => {
          const pruned = new FlatIndex({ metric, dim });
          const plain = new FlatIndex({ metric, dim, quantize: 'none' });
          pruned.addSync(ids, data);
          plain.addSync(ids, data);
          expectSameHitsUpToTies(pruned.searchBatchSync(queries, 10), plain.searchBatchSync(queries, 10));
        });
      }
    });

    describe('flat index: two-stage screening in a principal-axes basis', () => {
      it('stays exact on anisotropic data (energy concentrated in a few directions), also after save/load', async () => {
        const { mkdtempSync, rmSync } = await import('node:fs');
        const { tmpdir } = await import('node:os');
        const { join } = await import('node:path');
        const { loadIndex } = await import('../../src/ann/persistence.js');
        const dim = 64;
        const n = 3000;
        const rnd = mulberry32(8);
        const gauss = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
        // a random rotation of a decaying spectrum
        const basis = Array.from({ length: dim }, () => Float64Array.from({ length: dim }, gauss));
        const make = (count: number) => {
          const out = new Float32Array(count * dim);
          for (let i = 0; i < count; i++) {
            for (let j = 0; j < dim; j++) {
              const c = gauss() * Math.exp(-j / 6);
              for (let d = 0; d < dim; d++) out[i * dim + d] += c * basis[j][d];
            }
          }
          return out;
        };
        const data = make(n);
        const queries = make(40);
        const ids = Array.from({ length: n }, (_, i) => i);
        for (const metric of ['l2', 'cosine', 'ip'] as Metric[]) {
          const pruned = new FlatIndex({ metric, dim });
          pruned.addSync(ids, data);
          const truth = bruteForce(data, queries, dim, 10, metric as 'l2' | 'ip' | 'cosine');
          expect(pruned.searchBatchSync(queries, 10).map((h) => h.map((x) => x.id))).toEqual(truth);
          const dir = mkdtempSync(join(tmpdir(), 'embedkit-flat-'));
          try {
            await pruned.save(join(dir, 'f.idx'));
            const back = await loadIndex(join(dir, 'f.idx'));
            expect(back.searchBatchSync(queries, 10).map((h) => h.map((x) => x.id))).toEqual(truth);
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        }
      });
    });
  });
}
