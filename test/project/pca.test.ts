import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { symmetricEigen } from '../../src/math/eigen.js';
import { PCA } from '../../src/project/index.js';
import { Random } from '../../src/learn/random.js';

/** n × dim rows with a clear spectrum: independent columns of standard deviations 8, 5, 3, 1, 0.5, … plus a shift, then rotated. */
function spectrumRows(n: number, dim: number, seed: number): Float32Array {
  const rng = new Random(seed);
  const scales = Array.from({ length: dim }, (_, c) => [8, 5, 3, 1][c] ?? 0.5 / (c - 2));
  const raw = new Float64Array(n * dim);
  for (let i = 0; i < n; i++) for (let c = 0; c < dim; c++) raw[i * dim + c] = scales[c] * rng.gaussian();
  // a random rotation (Gram–Schmidt of a Gaussian matrix), so the axes are not the coordinate axes
  const q = Float64Array.from({ length: dim * dim }, () => rng.gaussian());
  for (let a = 0; a < dim; a++) {
    for (let b = 0; b < a; b++) {
      let dot = 0;
      for (let t = 0; t < dim; t++) dot += q[a * dim + t] * q[b * dim + t];
      for (let t = 0; t < dim; t++) q[a * dim + t] -= dot * q[b * dim + t];
    }
    let norm = 0;
    for (let t = 0; t < dim; t++) norm += q[a * dim + t] ** 2;
    for (let t = 0; t < dim; t++) q[a * dim + t] /= Math.sqrt(norm);
  }
  const x = new Float32Array(n * dim);
  for (let i = 0; i < n; i++)
    for (let t = 0; t < dim; t++) {
      let s = 3; // the shift: PCA must centre
      for (let c = 0; c < dim; c++) s += raw[i * dim + c] * q[c * dim + t];
      x[i * dim + t] = s;
    }
  return x;
}

/** The exact answer: eigen-decomposition of the sample covariance. */
function exactPca(x: Float32Array, n: number, dim: number) {
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let t = 0; t < dim; t++) mean[t] += x[i * dim + t] / n;
  const cov = new Float64Array(dim * dim);
  for (let i = 0; i < n; i++)
    for (let a = 0; a < dim; a++)
      for (let b = 0; b < dim; b++) cov[a * dim + b] += ((x[i * dim + a] - mean[a]) * (x[i * dim + b] - mean[b])) / (n - 1);
  let trace = 0;
  for (let a = 0; a < dim; a++) trace += cov[a * dim + a];
  return { mean, ...symmetricEigen(cov, dim), trace };
}

describe('PCA (randomized subspace iteration)', () => {
  const n = 600;
  const dim = 24;
  const x = spectrumRows(n, dim, 7);
  const exact = exactPca(x, n, dim);

  it('matches an exact eigen-decomposition of the covariance', async () => {
    const pca = new PCA({ dims: 3, seed: 1, threads: 2 });
    const coords = await pca.fitTransform(x, n, dim);
    for (let c = 0; c < 3; c++) {
      expect(Math.abs(pca.explainedVariance![c] / exact.values[c] - 1)).toBeLessThan(1e-4);
      expect(Math.abs(pca.explainedVarianceRatio![c] - exact.values[c] / exact.trace)).toBeLessThan(1e-5);
      let dot = 0;
      for (let t = 0; t < dim; t++) dot += pca.components![c * dim + t] * exact.vectors[c * dim + t];
      expect(Math.abs(dot)).toBeGreaterThan(1 - 1e-5);
      // coordinates: the centred rows on the exact axis (up to its sign)
      const sign = Math.sign(dot);
      let err = 0;
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let t = 0; t < dim; t++) s += (x[i * dim + t] - exact.mean[t]) * exact.vectors[c * dim + t];
        err = Math.max(err, Math.abs(sign * s - coords[i * 3 + c]));
      }
      expect(err).toBeLessThan(1e-3);
    }
    for (let t = 0; t < dim; t++) expect(pca.mean![t]).toBeCloseTo(exact.mean[t], 4);
    // transform() of the same rows gives the same coordinates
    const again = pca.transform(x, n, dim);
    for (let i = 0; i < coords.length; i++) expect(again[i]).toBeCloseTo(coords[i], 3);
  });

  it('repeats bit for bit with a seed and one thread', async () => {
    const a = await new PCA({ seed: 5, threads: 1 }).fitTransform(x, n, dim);
    const b = await new PCA({ seed: 5, threads: 1 }).fitTransform(x, n, dim);
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
  });

  it('handles data of lower rank than the subspace', async () => {
    // 50 rows on a 2-D plane in 16 dimensions: the third direction has zero variance
    const rows = new Float32Array(50 * 16);
    const rng = new Random(3);
    for (let i = 0; i < 50; i++) {
      const u = rng.gaussian();
      const v = rng.gaussian();
      for (let t = 0; t < 16; t++) rows[i * 16 + t] = u * (t % 3) + v * (t % 5 === 0 ? 1 : 0);
    }
    const pca = new PCA({ dims: 3, threads: 1 });
    await pca.fit(rows, 50, 16);
    expect(pca.explainedVarianceRatio![0] + pca.explainedVarianceRatio![1]).toBeCloseTo(1, 5);
    expect(pca.explainedVariance![2]).toBeLessThan(1e-6 * pca.explainedVariance![0]);
  });

  it('rejects bad input with a UsageError', async () => {
    const bad = x.slice(0, 10 * dim);
    bad[33] = NaN;
    await expect(new PCA().fitTransform(bad, 10, dim)).rejects.toThrow(/row 1 has a non-finite value/);
    await expect(new PCA().fitTransform(x, 1, dim)).rejects.toBeInstanceOf(UsageError);
    await expect(new PCA({ dims: 30 }).fitTransform(x, n, dim)).rejects.toThrow(/exceeds min/);
    await expect(new PCA().fitTransform(x, n + 1, dim)).rejects.toThrow(/need/);
    expect(() => new PCA({ dims: 0 })).toThrow(UsageError);
    expect(() => new PCA().transform(x, n, dim)).toThrow(/fit\(\) before/);
  });
});
