import { Random } from '../../../src/learn/random.js';
import type { Matrix } from '../../../src/math/matrix.js';

/** Gaussian blobs: `centers` centres drawn in [-spread, spread]^dim, unit noise; labels are the blob. */
export function blobs(n: number, dim: number, centers: number, seed: number, spread = 10): { x: Matrix; labels: Int32Array } {
  const rng = new Random(seed);
  const c = Float64Array.from({ length: centers * dim }, () => (rng.uniform() * 2 - 1) * spread);
  const data = new Float32Array(n * dim);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const j = i % centers;
    labels[i] = j;
    for (let d = 0; d < dim; d++) data[i * dim + d] = c[j * dim + d] + rng.gaussian();
  }
  return { x: { rows: n, dim, data }, labels };
}
