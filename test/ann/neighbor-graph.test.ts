import { describe, expect, it } from 'vitest';
import { AbortError } from '../../src/errors.js';
import { neighborGraph } from '../../src/ann/neighbor-graph.js';
import { Random } from '../../src/learn/random.js';

describe('neighborGraph', () => {
  const n = 3000;
  const dim = 16;
  const rng = new Random(1);
  const x = Float32Array.from({ length: n * dim }, () => rng.gaussian());

  it('gives each row its k nearest others, nearest first; HNSW recall against the exact scan', async () => {
    const k = 10;
    const exact = await neighborGraph(x, n, dim, k, { threads: 1, seed: 0 });
    const approx = await neighborGraph(x, n, dim, k, { threads: 2, seed: 0, exactBelow: 0 });
    let hits = 0;
    for (let i = 0; i < n; i++) {
      const row = exact.ids.subarray(i * k, (i + 1) * k);
      expect(row.includes(i)).toBe(false);
      for (let j = 1; j < k; j++) expect(exact.dist2[i * k + j]).toBeGreaterThanOrEqual(exact.dist2[i * k + j - 1]);
      // the squared distance is the true one
      let d = 0;
      for (let t = 0; t < dim; t++) d += (x[i * dim + t] - x[row[0] * dim + t]) ** 2;
      expect(exact.dist2[i * k]).toBeCloseTo(d, 3);
      const set = new Set(row);
      for (const id of approx.ids.subarray(i * k, (i + 1) * k)) if (set.has(id)) hits++;
    }
    expect(hits / (n * k)).toBeGreaterThan(0.95);
  });

  it('stops when aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(neighborGraph(x, n, dim, 5, { threads: 1, seed: 0, signal: ac.signal })).rejects.toBeInstanceOf(AbortError);
  });
});
