import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { analyticGaussianSigma, classicGaussianSigma, gaussianDelta } from '../../../src/privacy/dp/gaussian-calibration.js';
import { GaussianNoise } from '../../../src/privacy/dp/noise.js';
import { privatizeVectors } from '../../../src/privacy/dp/release.js';

describe('Gaussian mechanism calibration', () => {
  it('classic σ = Δ√(2 ln(1.25/δ))/ε, for ε < 1 only', () => {
    expect(classicGaussianSigma(0.5, 1e-5, 1)).toBeCloseTo(Math.sqrt(2 * Math.log(1.25e5)) / 0.5, 12);
    expect(() => classicGaussianSigma(2, 1e-5, 1)).toThrow(UsageError);
  });

  it('analytic σ meets δ exactly (Balle & Wang Theorem 8) and is below the classic σ', () => {
    for (const [eps, delta] of [
      [0.1, 1e-5],
      [0.5, 1e-6],
      [0.9, 1e-3],
    ]) {
      const s = analyticGaussianSigma(eps, delta, 2);
      expect(Math.abs(gaussianDelta(s, eps, 2) / delta - 1)).toBeLessThan(1e-9);
      expect(s).toBeLessThan(classicGaussianSigma(eps, delta, 2));
      expect(analyticGaussianSigma(eps, delta, 1)).toBeCloseTo(s / 2, 10); // σ scales with Δ
    }
    // large ε works too (no overflow of e^ε), and more ε needs less noise
    expect(analyticGaussianSigma(8, 1e-6, 1)).toBeLessThan(analyticGaussianSigma(4, 1e-6, 1));
    expect(gaussianDelta(analyticGaussianSigma(200, 1e-9, 1), 200, 1)).toBeLessThanOrEqual(1e-9);
  });
});

describe('privatizeVectors', () => {
  const rows = 2000;
  const dim = 100;
  const data = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) for (let j = 0; j < dim; j++) data[r * dim + j] = Math.sin(r * 0.37 + j) * (r % 7 === 0 ? 5 : 0.05);

  it('adds noise whose empirical std is the calibrated σ', () => {
    const out = privatizeVectors({ data, rows, dim }, { epsilon: 1, delta: 1e-6, clip: 1, seed: 7 });
    // the clipped rows, recomputed
    let sum = 0;
    let sum2 = 0;
    for (let r = 0; r < rows; r++) {
      let n2 = 0;
      for (let j = 0; j < dim; j++) n2 += data[r * dim + j] ** 2;
      const f = Math.min(1, 1 / Math.sqrt(n2));
      for (let j = 0; j < dim; j++) {
        const e = out.data[r * dim + j] - data[r * dim + j] * f;
        sum += e;
        sum2 += e * e;
      }
    }
    const n = rows * dim;
    const std = Math.sqrt(sum2 / n - (sum / n) ** 2);
    // 200 000 draws: the std's standard error is σ/√(2n) = 0.16 %; 2 % is > 12 standard errors
    expect(Math.abs(std / out.sigma - 1)).toBeLessThan(0.02);
    expect(Math.abs(sum / n)).toBeLessThan((6 * out.sigma) / Math.sqrt(n));
    expect(out.sensitivity).toBe(2);
    expect(out.sigma).toBeCloseTo(analyticGaussianSigma(1, 1e-6, 2), 12);
    expect(out.achievedDelta).toBeLessThanOrEqual(1e-6);
    expect(out.clippedRows).toBe(Math.ceil(rows / 7));
  });

  it('clipping bounds the sensitivity: two inputs differ by at most 2·clip before noise', () => {
    const a = new Float32Array(dim).fill(30);
    const b = new Float32Array(dim).fill(-30);
    const x = privatizeVectors({ data: a, rows: 1, dim }, { epsilon: 1e6, delta: 0.5, clip: 1.5, seed: 1 });
    const y = privatizeVectors({ data: b, rows: 1, dim }, { epsilon: 1e6, delta: 0.5, clip: 1.5, seed: 1 });
    // same seed, same noise: the difference is the clipped inputs' difference
    let d2 = 0;
    for (let j = 0; j < dim; j++) d2 += (x.data[j] - y.data[j]) ** 2;
    expect(Math.sqrt(d2)).toBeLessThanOrEqual(2 * 1.5 + 1e-4);
    expect(Math.sqrt(d2)).toBeGreaterThan(2 * 1.5 - 1e-3);
  });

  it('is repeatable with a seed, different without, and refuses bad input', () => {
    const o = { epsilon: 1, delta: 1e-5, clip: 1, seed: 3 };
    const ten = data.subarray(0, 10 * dim);
    const a = privatizeVectors({ data: ten, rows: 10, dim }, o).data;
    expect(privatizeVectors({ data: ten, rows: 10, dim }, o).data).toEqual(a);
    expect(privatizeVectors({ data: ten, rows: 10, dim }, { ...o, seed: undefined }).data).not.toEqual(a);
    expect(() => privatizeVectors({ data: ten, rows: 10, dim }, { ...o, clip: 0 })).toThrow(UsageError);
    expect(() => privatizeVectors({ data: ten, rows: 10, dim }, { ...o, delta: 1 })).toThrow(UsageError);
    expect(() => privatizeVectors({ data, rows: 10, dim }, o)).toThrow(/values for 10 rows/);
    expect(() => privatizeVectors({ data: new Float32Array([NaN]), rows: 1, dim: 1 }, o)).toThrow(/non-finite/);
  });

  it('the noise stream is standard normal (mean, variance, tails)', () => {
    const g = new GaussianNoise(11);
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    let tail = 0;
    for (let i = 0; i < n; i++) {
      const x = g.normal();
      s += x;
      s2 += x * x;
      if (Math.abs(x) > 1.96) tail++;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.015);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.02);
    expect(Math.abs(tail / n - 0.05)).toBeLessThan(0.005);
  });
});
