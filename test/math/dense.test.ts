import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { dot, matMulT, matVec } from '../../src/math/dense.js';
import { prng } from '../evaluate/fixtures.js';

function randomMatrix(rows: number, dim: number, seed: number): Float32Array {
  const rand = prng(seed);
  return Float32Array.from({ length: rows * dim }, () => rand() * 2 - 1);
}

function naiveDot(a: Float32Array, ao: number, b: Float32Array, bo: number, n: number): number {
  let s = 0;
  for (let k = 0; k < n; k++) s += a[ao + k] * b[bo + k];
  return s;
}

describe('dense kernels', () => {
  it('dot matches a naive loop for every length mod 4 and with offsets', () => {
    for (const n of [0, 1, 2, 3, 4, 5, 7, 8, 100, 301]) {
      const a = randomMatrix(1, n + 3, n);
      const b = randomMatrix(1, n + 5, n + 1000);
      expect(dot(a, b, n, 3, 5)).toBeCloseTo(naiveDot(a, 3, b, 5, n), 12);
      expect(dot(a.subarray(0, n), b.subarray(0, n))).toBeCloseTo(naiveDot(a, 0, b, 0, n), 12);
    }
  });

  it('matVec matches naive dots over a row range, writing at an offset', () => {
    for (const [rows, dim] of [
      [1, 1],
      [7, 3],
      [13, 100],
      [50, 5],
    ]) {
      const m = randomMatrix(rows, dim, rows * dim);
      const x = randomMatrix(1, dim, 99);
      const out = new Float32Array(rows + 2).fill(-7);
      matVec(m, dim, 1, rows, x, out, 2);
      expect(out[0]).toBe(-7);
      expect(out[1]).toBe(-7);
      for (let r = 1; r < rows; r++) expect(out[r + 1]).toBeCloseTo(naiveDot(m, r * dim, x, 0, dim), 5);
    }
  });

  it('matMulT matches naive dots for ragged sizes (queries, rows and dims not multiples of the tiles)', () => {
    for (const [nq, rows, dim, start, end] of [
      [1, 9, 3, 0, 9],
      [2, 10, 4, 1, 10],
      [3, 300, 7, 5, 298],
      [67, 130, 100, 0, 130],
      [130, 41, 300, 3, 40],
    ]) {
      const q = randomMatrix(nq, dim, nq);
      const v = randomMatrix(rows, dim, rows);
      const nv = end - start;
      const out = new Float32Array(nq * nv);
      matMulT(q, nq, v, start, end, dim, out);
      for (let i = 0; i < nq; i++) {
        for (let r = start; r < end; r++) {
          expect(out[i * nv + r - start]).toBeCloseTo(naiveDot(q, i * dim, v, r * dim, dim), 4);
        }
      }
    }
  });

  it('rejects out-of-range arguments instead of reading past the arrays', () => {
    const m = new Float32Array(12);
    expect(() => dot(m, m, 13)).toThrow(UsageError);
    expect(() => matVec(m, 4, 0, 4, new Float32Array(4), new Float32Array(4))).toThrow(UsageError);
    expect(() => matVec(m, 4, 0, 3, new Float32Array(3), new Float32Array(3))).toThrow(UsageError);
    expect(() => matVec(m, 4, 0, 3, new Float32Array(4), new Float32Array(2))).toThrow(UsageError);
    expect(() => matMulT(m, 4, m, 0, 3, 4, new Float32Array(12))).toThrow(UsageError);
    expect(() => matMulT(m, 3, m, 0, 3, 4, new Float32Array(8))).toThrow(UsageError);
    expect(() => matMulT(m, 1, m, 2, 1, 4, new Float32Array(8))).toThrow(UsageError);
  });
});
