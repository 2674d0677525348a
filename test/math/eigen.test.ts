import { describe, expect, it } from 'vitest';
import { symmetricEigen } from '../../src/math/eigen.js';
import { mulberry32 } from '../../src/math/random.js';

describe('symmetric eigen-decomposition (Jacobi)', () => {
  it('reconstructs a random symmetric matrix: A v = λ v, orthonormal vectors, sorted values', () => {
    const n = 24;
    const rnd = mulberry32(4);
    const b = Float64Array.from({ length: n * n }, () => rnd() - 0.5);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) a[i * n + j] += b[k * n + i] * b[k * n + j];
    const { values, vectors } = symmetricEigen(a, n);
    for (let i = 1; i < n; i++) expect(values[i]).toBeLessThanOrEqual(values[i - 1] + 1e-12);
    for (let r = 0; r < n; r++) {
      for (let i = 0; i < n; i++) {
        let av = 0;
        for (let k = 0; k < n; k++) av += a[i * n + k] * vectors[r * n + k];
        expect(av).toBeCloseTo(values[r] * vectors[r * n + i], 9);
      }
      for (let s = 0; s < n; s++) {
        let d = 0;
        for (let k = 0; k < n; k++) d += vectors[r * n + k] * vectors[s * n + k];
        expect(d).toBeCloseTo(r === s ? 1 : 0, 9);
      }
    }
  });

  it('handles diagonal and rank-one matrices', () => {
    const d = symmetricEigen(Float64Array.from([3, 0, 0, 0, 1, 0, 0, 0, 2]), 3);
    expect(Array.from(d.values)).toEqual([3, 2, 1]);
    const u = [1, 2, 2];
    const r1 = Float64Array.from({ length: 9 }, (_, i) => u[Math.floor(i / 3)] * u[i % 3]);
    const e = symmetricEigen(r1, 3);
    expect(e.values[0]).toBeCloseTo(9, 10);
    expect(Math.abs(e.vectors[0] * 3)).toBeCloseTo(1, 10);
  });
});
