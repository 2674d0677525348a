import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { adjustedRandIndex } from '../../../src/evaluate/clustering-metrics.js';
import { Random } from '../../../src/learn/random.js';
import { assignToCentroids, KMeans } from '../../../src/tasks/cluster/kmeans.js';
import { MiniBatchKMeans } from '../../../src/tasks/cluster/minibatch-kmeans.js';
import { blobs } from './blobs.js';

/** scikit-learn's Lloyd from the given initial centroids: [labels, inertia, n_iter]. */
function sklearnLloyd(x: Float32Array, dim: number, init: Float32Array, k: number, maxIter: number): [number[], number, number] {
  const py = `
import sys, json, numpy as np
from sklearn.cluster import KMeans
d = json.load(sys.stdin)
x = np.array(d["x"], dtype=np.float32).reshape(-1, d["dim"])
init = np.array(d["init"], dtype=np.float32).reshape(-1, d["dim"])
km = KMeans(n_clusters=d["k"], init=init, n_init=1, max_iter=d["maxIter"], tol=0, algorithm="lloyd").fit(x)
print(json.dumps([km.labels_.tolist(), float(km.inertia_), int(km.n_iter_)]))`;
  const input = JSON.stringify({ x: [...x], dim, init: [...init], k, maxIter });
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', py], { input, env: { ...process.env, OMP_NUM_THREADS: '1' } }).toString()) as [
    number[],
    number,
    number,
  ];
}

describe('KMeans', () => {
  it('finds well-separated blobs and is repeatable for a seed', async () => {
    const { x, labels } = blobs(3000, 10, 6, 1);
    const a = await new KMeans({ k: 6, seed: 3 }).fit(x);
    const b = await new KMeans({ k: 6, seed: 3 }).fit(x);
    expect(adjustedRandIndex(labels, a.labels)).toBeCloseTo(1, 6);
    expect(b.labels).toEqual(a.labels);
    expect(b.inertia).toBe(a.inertia);
    expect(a.centroids.rows).toBe(6);
    // predict agrees with the fit's labels
    expect(assignToCentroids(x, a.centroids).labels).toEqual(a.labels);
  });

  it.each(['elkan', 'hamerly'] as const)(
    'runs Lloyd exactly as scikit-learn from the same start (%s bounds skip distances, not results)',
    async (bounds) => {
      // overlapping blobs so labels keep moving for many iterations
      const { x } = blobs(2000, 7, 12, 5, 2);
      const rng = new Random(9);
      const init = new Float32Array(12 * 7);
      for (let j = 0; j < 12; j++) {
        const r = rng.int(2000);
        init.set(x.data.subarray(r * 7, r * 7 + 7), j * 7);
      }
      const ours = await new KMeans({ k: 12, init: { rows: 12, dim: 7, data: init }, tol: 0, maxIter: 50, bounds }).fit(x);
      const [labels, inertia, iterations] = sklearnLloyd(x.data, 7, init, 12, 50);
      expect(iterations).toBeGreaterThan(5); // precondition: a real run, not an instant convergence
      expect(ours.iterations).toBe(iterations);
      expect(adjustedRandIndex(labels, ours.labels)).toBeGreaterThan(0.999);
      expect(ours.inertia / inertia).toBeCloseTo(1, 5);
    },
  );

  it('gives the same labels on two threads as on one', async () => {
    const { x } = blobs(24_000, 12, 20, 2, 3);
    const one = await new KMeans({ k: 20, seed: 1, threads: 1, maxIter: 20 }).fit(x);
    const two = await new KMeans({ k: 20, seed: 1, threads: 2, maxIter: 20 }).fit(x);
    const hamerly = await new KMeans({ k: 20, seed: 1, threads: 2, maxIter: 20, bounds: 'hamerly' }).fit(x);
    expect(two.labels).toEqual(one.labels);
    expect(two.inertia / one.inertia).toBeCloseTo(1, 6);
    expect(hamerly.labels).toEqual(one.labels);
  });

  it('rejects bad input with clear errors', async () => {
    const ok = { rows: 3, dim: 2, data: Float32Array.from([0, 0, 1, 1, 2, 2]) };
    await expect(new KMeans({ k: 4 }).fit(ok)).rejects.toThrow(/k = 4 is larger than the number of vectors \(3\)/);
    await expect(new KMeans({ k: 1 }).fit({ rows: 0, dim: 2, data: new Float32Array(0) })).rejects.toThrow(/empty/);
    await expect(new KMeans({ k: 1 }).fit({ rows: 3, dim: 2, data: Float32Array.from([0, 0, NaN, 1, 2, 2]) })).rejects.toThrow(
      /row 1 has a non-finite value \(NaN\)/,
    );
    expect(() => new KMeans({ k: 0 })).toThrow(UsageError);
    expect(() => assignToCentroids(ok, { rows: 1, dim: 3, data: new Float32Array(3) })).toThrow(/2 dimensions, the centroids 3/);
  });
});

describe('MiniBatchKMeans', () => {
  it('recovers blobs close to full k-means and is repeatable', async () => {
    const { x, labels } = blobs(6000, 8, 5, 11);
    const a = await new MiniBatchKMeans({ k: 5, seed: 2, batchSize: 256 }).fit(x);
    const b = await new MiniBatchKMeans({ k: 5, seed: 2, batchSize: 256 }).fit(x);
    const full = await new KMeans({ k: 5, seed: 2 }).fit(x);
    expect(adjustedRandIndex(labels, a.labels)).toBeGreaterThan(0.99);
    expect(a.inertia / full.inertia).toBeLessThan(1.02);
    expect(b.labels).toEqual(a.labels);
    await expect(new MiniBatchKMeans({ k: 7 }).fit({ rows: 3, dim: 1, data: Float32Array.from([1, 2, 3]) })).rejects.toThrow(
      /k = 7 is larger/,
    );
  });
});
