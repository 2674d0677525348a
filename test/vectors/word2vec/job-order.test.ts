import { describe, expect, it } from 'vitest';
import { interleave } from '../../../src/vectors/word2vec/job-order.js';

describe('job order (interleaved parts)', () => {
  it('is the file order for one part', () => {
    expect(Array.from({ length: 7 }, (_, n) => interleave(n, 7, 1))).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('alternates between contiguous parts and visits every job once', () => {
    expect(Array.from({ length: 10 }, (_, n) => interleave(n, 10, 2))).toEqual([0, 5, 1, 6, 2, 7, 3, 8, 4, 9]);
    // 11 jobs in 3 parts: [0..3], [4..7], [8..10]
    expect(Array.from({ length: 11 }, (_, n) => interleave(n, 11, 3))).toEqual([0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7]);
    for (const [jobs, parts] of [
      [1, 2],
      [2, 3],
      [17, 4],
      [100, 7],
      [5, 5],
      [64, 2],
    ]) {
      const seen = Array.from({ length: jobs }, (_, n) => interleave(n, jobs, parts)).sort((a, b) => a - b);
      expect(seen).toEqual(Array.from({ length: jobs }, (_, i) => i));
    }
  });
});
