import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { norm, normalizeRows, rowNorms, unitVector } from '../../src/math/normalize.js';

describe('normalisation', () => {
  it('computes row norms and unit rows; zero rows stay zero without NaN', () => {
    const m = Float32Array.from([3, 4, 0, 0, 0, -2, 1e-30, 0]);
    expect(Array.from(rowNorms(m, 2))).toEqual([5, 0, 2, Math.fround(1e-30)]);
    const u = normalizeRows(m, 2);
    expect(Array.from(u)).toEqual([Math.fround(0.6), Math.fround(0.8), 0, 0, 0, -1, 1, 0]);
    expect(u.some(Number.isNaN)).toBe(false);
    expect(m[0]).toBe(3); // a copy, the input is untouched
  });

  it('normalises single vectors', () => {
    expect(norm([3, 4])).toBe(5);
    expect(Array.from(unitVector([0, -5]))).toEqual([0, -1]);
    expect(Array.from(unitVector([0, 0, 0]))).toEqual([0, 0, 0]);
  });

  it('rejects shapes that do not fit', () => {
    expect(() => rowNorms(new Float32Array(5), 2)).toThrow(UsageError);
    expect(() => normalizeRows(new Float32Array(4), 2, [1])).toThrow(UsageError);
    expect(() => rowNorms(new Float32Array(4), 0)).toThrow(UsageError);
  });
});
