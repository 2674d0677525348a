import { describe, expect, it } from 'vitest';
import { Random } from '../../src/learn/random.js';
import { barnesHutRepulsion } from '../../src/project/tsne-bh-kernel.js';

/** The exact O(n²) repulsion: F_i = Σ_{j≠i} w_ij²(y_i − y_j), Z = Σ_{i≠j} w_ij, in double. */
function exactRepulsion(y: Float32Array, n: number, dims: number) {
  const forces = new Float64Array(n * dims);
  let z = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      let d2 = 0;
      for (let c = 0; c < dims; c++) d2 += (y[i * dims + c] - y[j * dims + c]) ** 2;
      const w = 1 / (1 + d2);
      z += w;
      for (let c = 0; c < dims; c++) forces[i * dims + c] += w * w * (y[i * dims + c] - y[j * dims + c]);
    }
  return { forces, z };
}

/** A clustered layout like a t-SNE embedding: `groups` Gaussian clumps of spread 1 in a box of 30. */
function clumps(n: number, dims: number, groups: number, seed: number): Float32Array {
  const rng = new Random(seed);
  const centres = Array.from({ length: groups * dims }, () => (rng.uniform() - 0.5) * 30);
  const y = new Float32Array(n * dims);
  for (let i = 0; i < n; i++) {
    const g = i % groups;
    for (let c = 0; c < dims; c++) y[i * dims + c] = centres[g * dims + c] + rng.gaussian();
  }
  return y;
}

/** ‖a − b‖ / ‖b‖ over all coordinates. */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / den);
}

describe('Barnes-Hut repulsion of t-SNE', () => {
  const n = 200;

  for (const dims of [2, 3] as const) {
    it(`matches the exact O(n²) forces and Z within the opening angle's error (${dims}-D)`, () => {
      const y = clumps(n, dims, 5, dims);
      const exact = exactRepulsion(y, n, dims);
      // θ = 0: every cell is opened down to its leaves, which is the exact sum (in float)
      const full = barnesHutRepulsion(y, n, dims, 0);
      expect(relativeError(full.forces, exact.forces)).toBeLessThan(1e-5);
      expect(Math.abs(full.z - exact.z) / exact.z).toBeLessThan(1e-5);
      // θ = 0.5 (the default): a few per cent at most, and far better than θ = 1
      const half = barnesHutRepulsion(y, n, dims, 0.5);
      const errHalf = relativeError(half.forces, exact.forces);
      expect(errHalf).toBeLessThan(0.03);
      expect(Math.abs(half.z - exact.z) / exact.z).toBeLessThan(0.01);
      const coarse = barnesHutRepulsion(y, n, dims, 1.5);
      expect(relativeError(coarse.forces, exact.forces)).toBeGreaterThan(errHalf);
    });
  }

  it('counts coincident points in Z but gives them no force on each other', () => {
    // two points at the same position and one apart: by hand, w = 1 / (1 + 4) between the pair
    // and the third; the coincident pair has w = 1 and no direction
    const y = new Float32Array([0, 0, 0, 0, 2, 0]);
    const { forces, z } = barnesHutRepulsion(y, 3, 2, 0.5);
    expect(z).toBeCloseTo(2 * 1 + 4 * 0.2, 6);
    expect(forces[0]).toBeCloseTo(0.04 * -2, 6);
    expect(forces[2]).toBeCloseTo(0.04 * -2, 6);
    expect(forces[4]).toBeCloseTo(2 * 0.04 * 2, 6);
    expect([forces[1], forces[3], forces[5]]).toEqual([0, 0, 0]);
  });
});
