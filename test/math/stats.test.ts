import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { pearson, rankdata, spearman } from '../../src/math/stats.js';

// Reference values from scipy 1.10 (stats.pearsonr / spearmanr / rankdata).
const X = [1, 2, 2, 3, 5, 8, 8, 8, 13];
const Y = [2.5, 1, 4, 4, 3, 9, 7, 7, 20];

describe('statistics', () => {
  it('rankdata averages the ranks of ties', () => {
    expect(Array.from(rankdata(X))).toEqual([1, 2.5, 2.5, 4, 5, 7, 7, 7, 9]);
    expect(Array.from(rankdata(Y))).toEqual([2, 1, 4.5, 4.5, 3, 8, 6.5, 6.5, 9]);
    expect(Array.from(rankdata([]))).toEqual([]);
    expect(() => rankdata([1, NaN])).toThrow(UsageError);
  });

  it('pearson and spearman equal scipy', () => {
    expect(pearson(X, Y)).toBeCloseTo(0.9057934475673725, 14);
    expect(spearman(X, Y)).toBeCloseTo(0.8884856665478724, 14);
    expect(pearson([10, 7, 3, 1], [1, 0.70710677, 0, -1])).toBeCloseTo(0.9514196565859626, 7);
  });

  it('follows scipy on degenerate input: constant or short gives NaN, two points give ±1', () => {
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeNaN();
    expect(spearman([1, 2, 3], [4, 4, 4])).toBeNaN();
    expect(pearson([1], [2])).toBeNaN();
    expect(pearson([1, 2], [5, 3])).toBe(-1);
    expect(spearman([1, 2, NaN], [1, 2, 3])).toBeNaN();
    expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 12);
    expect(() => pearson([1, 2], [1])).toThrow(UsageError);
  });
});
