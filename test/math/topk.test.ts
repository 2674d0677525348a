import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { TopK, topK } from '../../src/math/topk.js';
import { prng } from '../evaluate/fixtures.js';

/** The k best (score desc, index asc) by a full sort: the reference the heap must equal. */
function bySort(scores: number[], k: number): number[] {
  return scores
    .map((s, i) => [s, i] as const)
    .filter(([s]) => !Number.isNaN(s) && s > -Infinity)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1])
    .slice(0, k)
    .map(([, i]) => i);
}

describe('TopK', () => {
  it('keeps the k best of random scores with many ties, best first', () => {
    const rand = prng(1);
    for (let trial = 0; trial < 200; trial++) {
      const n = Math.floor(rand() * 300);
      const k = Math.floor(rand() * 20);
      const scores = Array.from({ length: n }, () => Math.floor(rand() * 30) / 7);
      const { indices, scores: top } = topK(scores, k);
      const expected = bySort(scores, k);
      expect(Array.from(indices)).toEqual(expected);
      expect(Array.from(top)).toEqual(expected.map((i) => scores[i]));
    }
  });

  it('gives the same answer whatever the push order (ties keep the lower index)', () => {
    const heap = new TopK(3);
    for (const [s, i] of [
      [1, 9],
      [2, 5],
      [2, 1],
      [0.5, 0],
      [2, 7],
      [1, 2],
    ] as const)
      heap.push(s, i);
    expect(Array.from(heap.drain().indices)).toEqual([1, 5, 7]);
  });

  it('skips NaN and -Infinity, keeps +Infinity, and reports its threshold', () => {
    const heap = new TopK(2);
    expect(heap.threshold).toBe(-Infinity);
    expect(heap.push(NaN, 0)).toBe(false);
    expect(heap.push(-Infinity, 1)).toBe(false);
    heap.push(3, 2);
    expect(heap.threshold).toBe(-Infinity);
    heap.push(Infinity, 3);
    expect(heap.threshold).toBe(3);
    expect(heap.push(1, 4)).toBe(false);
    expect(heap.push(5, 5)).toBe(true);
    expect(heap.threshold).toBe(5);
    const { indices, scores } = heap.drain();
    expect(Array.from(indices)).toEqual([3, 5]);
    expect(Array.from(scores)).toEqual([Infinity, 5]);
    expect(heap.size).toBe(0);
  });

  it('can be cleared and reused; capacity 0 keeps nothing', () => {
    const heap = new TopK(2);
    heap.push(1, 1);
    heap.clear();
    heap.push(0, 4);
    expect(Array.from(heap.drain().indices)).toEqual([4]);
    const none = new TopK(0);
    expect(none.push(1, 0)).toBe(false);
    expect(none.drain().indices.length).toBe(0);
  });

  it('topK scans a sub-range and returns positions in the array', () => {
    const { indices } = topK([9, 1, 5, 3, 9], 2, 1, 4);
    expect(Array.from(indices)).toEqual([2, 3]);
  });

  it('rejects bad capacities and ranges', () => {
    expect(() => new TopK(-1)).toThrow(UsageError);
    expect(() => new TopK(1.5)).toThrow(UsageError);
    expect(() => topK([1, 2], -1)).toThrow(UsageError);
    expect(() => topK([1, 2], 1, 1, 3)).toThrow(UsageError);
  });
});
