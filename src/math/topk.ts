/**
 * Top-k selection with a fixed-capacity binary min-heap over (score, index) pairs kept in typed
 * arrays: O(n log k) for a scan of n candidates, no per-candidate allocation.
 */
import { UsageError } from '../errors.js';

/** The k best (score, index) pairs of a scan, best first. */
export interface TopKResult {
  readonly indices: Int32Array;
  readonly scores: Float64Array;
}

/**
 * Keeps the `capacity` highest-scoring indices pushed into it. Ties on score keep the lower index.
 * NaN and -Infinity scores are never kept.
 *
 * In hot loops, test `score > heap.threshold` before calling {@link TopK.push}: candidates that do
 * not beat the threshold can never enter.
 */
export class TopK {
  /** Maximum number of entries kept. */
  readonly capacity: number;
  /**
   * The score a candidate must exceed to enter: the worst kept score once full, else -Infinity.
   * (A candidate exactly equal to it enters only if its index is lower than the worst entry's.)
   */
  threshold = -Infinity;
  private readonly heapScores: Float64Array;
  private readonly heapIndices: Int32Array;
  private count = 0;

  constructor(capacity: number) {
    if (!(Number.isInteger(capacity) && capacity >= 0))
      throw new UsageError(`TopK capacity must be a non-negative integer, got ${capacity}`);
    this.capacity = capacity;
    this.heapScores = new Float64Array(capacity);
    this.heapIndices = new Int32Array(capacity);
  }

  /** Number of entries currently kept. */
  get size(): number {
    return this.count;
  }

  /** Forgets all entries, keeping the capacity. */
  clear(): void {
    this.count = 0;
    this.threshold = -Infinity;
  }

  /** Offers a candidate; returns whether it was kept. */
  push(score: number, index: number): boolean {
    if (!(score > -Infinity)) return false;
    const s = this.heapScores;
    const ix = this.heapIndices;
    if (this.count < this.capacity) {
      let i = this.count++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!worse(score, index, s[parent], ix[parent])) break;
        s[i] = s[parent];
        ix[i] = ix[parent];
        i = parent;
      }
      s[i] = score;
      ix[i] = index;
      if (this.count === this.capacity) this.threshold = s[0];
      return true;
    }
    if (this.capacity === 0 || !worse(s[0], ix[0], score, index)) return false;
    this.siftDown(score, index, this.count);
    this.threshold = s[0];
    return true;
  }

  /** The kept entries, best first (descending score, ascending index on ties). Leaves the heap empty. */
  drain(): TopKResult {
    const n = this.count;
    const indices = new Int32Array(n);
    const scores = new Float64Array(n);
    const s = this.heapScores;
    const ix = this.heapIndices;
    for (let out = n - 1; out >= 0; out--) {
      scores[out] = s[0];
      indices[out] = ix[0];
      const last = --this.count;
      if (last > 0) this.siftDown(s[last], ix[last], last);
    }
    this.threshold = -Infinity;
    return { indices, scores };
  }

  /** Places (score, index) at the root of a heap of `n` entries and restores the heap order. */
  private siftDown(score: number, index: number, n: number): void {
    const s = this.heapScores;
    const ix = this.heapIndices;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && worse(s[child + 1], ix[child + 1], s[child], ix[child])) child++;
      if (!worse(s[child], ix[child], score, index)) break;
      s[i] = s[child];
      ix[i] = ix[child];
      i = child;
    }
    s[i] = score;
    ix[i] = index;
  }
}

/** Whether (sa, ia) ranks below (sb, ib): lower score, or equal score and higher index. */
function worse(sa: number, ia: number, sb: number, ib: number): boolean {
  return sa < sb || (sa === sb && ia > ib);
}

/**
 * The `k` highest entries of `scores[start..end)`, best first; indices are positions in `scores`.
 * NaN entries are skipped.
 */
export function topK(scores: ArrayLike<number>, k: number, start = 0, end = scores.length): TopKResult {
  if (!(Number.isInteger(k) && k >= 0)) throw new UsageError(`k must be a non-negative integer, got ${k}`);
  if (!(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start <= end && end <= scores.length)) {
    throw new UsageError(`range ${start}..${end} out of bounds for ${scores.length} scores`);
  }
  const heap = new TopK(Math.min(k, end - start));
  for (let i = start; i < end; i++) {
    // Ascending scan: an entry equal to the threshold has a higher index than the kept one, so it loses.
    const v = scores[i];
    if (v > heap.threshold) heap.push(v, i);
  }
  return heap.drain();
}
