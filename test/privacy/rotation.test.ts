import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { symmetricEigen } from '../../src/math/eigen.js';
import { Random } from '../../src/learn/random.js';
import { KeyedRotation } from '../../src/privacy/rotation.js';

const key = Buffer.from('a secret key of at least sixteen bytes');

function randomRows(rows: number, dim: number, seed: number): Float32Array {
  const rnd = new Random(seed);
  return Float32Array.from({ length: rows * dim }, () => rnd.gaussian());
}

const dot = (a: Float32Array, i: number, b: Float32Array, j: number, d: number) => {
  let s = 0;
  for (let k = 0; k < d; k++) s += a[i * d + k] * b[j * d + k];
  return s;
};

describe('KeyedRotation', () => {
  it('is orthogonal and keeps inner products and distances (to 1e-5)', () => {
    const d = 96;
    const r = KeyedRotation.fromKey(key, d);
    const q = r.matrix;
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) expect(Math.abs(dot(q, i, q, j, d) - (i === j ? 1 : 0))).toBeLessThan(1e-5);
    const x = randomRows(50, d, 1).map((v) => v / Math.sqrt(d));
    const y = r.apply(x, 50);
    for (let i = 0; i < 50; i++)
      for (let j = 0; j < 50; j += 7) expect(Math.abs(dot(y, i, y, j, d) - dot(x, i, x, j, d))).toBeLessThan(1e-5);
    const back = r.inverse(y, 50);
    for (let i = 0; i < x.length; i++) expect(Math.abs(back[i] - x[i])).toBeLessThan(1e-5);
  });

  it('is a function of the key and the dimension: same key same rotation, other key another', () => {
    const a = KeyedRotation.fromKey(key, 32).matrix;
    expect(KeyedRotation.fromKey(Buffer.from(key), 32).matrix).toEqual(a);
    const b = KeyedRotation.fromKey(Buffer.from('another secret key, sixteen+ bytes'), 32).matrix;
    let diff = 0;
    for (let i = 0; i < a.length; i++) diff += Math.abs(a[i] - b[i]);
    expect(diff / a.length).toBeGreaterThan(0.05);
    expect(() => KeyedRotation.fromKey(key, 0)).toThrow(UsageError);
  });

  it('looks random: entries of a Haar rotation have mean 0 and variance 1/d, determinant sign either way', () => {
    const d = 256;
    const q = KeyedRotation.fromKey(key, d).matrix;
    let s = 0;
    let s2 = 0;
    for (const v of q) {
      s += v;
      s2 += v * v;
    }
    expect(Math.abs(s / q.length)).toBeLessThan(5 / d);
    expect(Math.abs((s2 / q.length) * d - 1)).toBeLessThan(1e-4);
  });

  it('builds d = 1024 in well under the test budget', () => {
    const t0 = performance.now();
    const r = KeyedRotation.fromKey(key, 1024);
    const seconds = (performance.now() - t0) / 1000;
    expect(r.dim).toBe(1024);
    expect(seconds).toBeLessThan(10);
  });

  it('does NOT resist a known-plaintext attack: d pairs recover the rotation (orthogonal Procrustes)', () => {
    const d = 24;
    const secret = KeyedRotation.fromKey(key, d);
    // the attacker knows d plaintext vectors and their rotated images (e.g. from the index host)
    const x = randomRows(d, d, 9);
    const y = secret.apply(x, d);
    // Procrustes: Q̂ = argmin over orthogonal R of ‖R X − Y‖ = U Vᵀ for M = Y Xᵀ = U Σ Vᵀ;
    // with the polar form Q̂ = M (MᵀM)^(−1/2)
    const m = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) for (let n = 0; n < d; n++) m[i * d + j] += y[n * d + i] * x[n * d + j];
    const mtm = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) for (let k = 0; k < d; k++) mtm[i * d + j] += m[k * d + i] * m[k * d + j];
    const { values, vectors } = symmetricEigen(mtm, d);
    const inv = new Float64Array(d * d);
    for (let a = 0; a < d; a++) {
      const s = 1 / Math.sqrt(values[a]);
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) inv[i * d + j] += s * vectors[a * d + i] * vectors[a * d + j];
    }
    const recovered = new Float64Array(d * d);
    for (let i = 0; i < d; i++)
      for (let j = 0; j < d; j++) for (let k = 0; k < d; k++) recovered[i * d + j] += m[i * d + k] * inv[k * d + j];
    for (let i = 0; i < d * d; i++) expect(Math.abs(recovered[i] - secret.matrix[i])).toBeLessThan(1e-3);
    // … and with it, any other stored vector is read back
    const victim = randomRows(1, d, 10);
    const stored = secret.apply(victim, 1);
    for (let i = 0; i < d; i++) {
      let v = 0;
      for (let k = 0; k < d; k++) v += recovered[k * d + i] * stored[k];
      expect(Math.abs(v - victim[i])).toBeLessThan(1e-3);
    }
  });
});
