/**
 * Batched candidate search for word analogies. Instead of one matrix–vector product per question,
 * questions are grouped so that their distinct words fit a batch; one blocked product
 * `S = W × Vᵀ` (distinct question words × vocabulary block) then serves every question of the batch,
 * whose 3CosAdd or 3CosMul scores are sums or products of three rows of `S`.
 */
import { throwIfAborted, UsageError } from '../errors.js';
import { matMulT } from '../math/dense.js';
import { TopK } from '../math/topk.js';

/** How analogy answers are scored. */
export type AnalogyMethod = '3cosadd' | '3cosmul';

/** Options of {@link searchAnalogies}. */
export interface AnalogySearchOptions {
  readonly method: AnalogyMethod;
  /** Candidates kept per question. */
  readonly k: number;
  /** Called after every vocabulary block with the fraction of the work done, in [0, 1]. */
  readonly onProgress?: (fraction: number) => void;
  /** Cancels the search between blocks (the promise rejects with the signal's reason). */
  readonly signal?: AbortSignal;
}

/** Most distinct question words per batch (rows of W). */
const MAX_BATCH_WORDS = 1024;
/** Floats of the score block S = W × V[block]ᵀ (256 KiB, so that it stays in L2 while questions read it). */
const SCORE_BLOCK = 1 << 16;
/** Longest stretch of work between yields to the event loop, in milliseconds. */
const YIELD_MS = 25;

/**
 * For every question `(a, b, c)` (rows into the unit-vector matrix `normed`, three per question in
 * `abc`), the `k` best rows among the first `limit`, best first, as `Int32Array(questions × k)`
 * padded with -1. 3CosAdd ranks by `cos(x, b) + cos(x, c) - cos(x, a)` (the order of gensim's
 * `most_similar(positive=[b, c], negative=[a])`); 3CosMul by
 * `((1 + cos(x, b)) / 2 · (1 + cos(x, c)) / 2) / ((1 + cos(x, a)) / 2 + 1e-6)`. Rows listed in
 * `zeroRows` (all-zero vectors) are never candidates. Input rows are not excluded: keep `k` large
 * enough to drop them afterwards.
 */
export async function searchAnalogies(
  normed: Float32Array,
  dim: number,
  limit: number,
  abc: Int32Array,
  zeroRows: Int32Array,
  options: AnalogySearchOptions,
): Promise<Int32Array> {
  const { method, k, onProgress, signal } = options;
  if (abc.length % 3 !== 0) throw new UsageError(`abc holds ${abc.length} rows, not a multiple of 3`);
  if (!(Number.isInteger(limit) && limit >= 0 && limit * dim <= normed.length)) throw new UsageError(`limit ${limit} out of range`);
  for (let i = 0; i < abc.length; i++) {
    if (!(abc[i] >= 0 && abc[i] < limit)) throw new UsageError(`question row ${abc[i]} outside the first ${limit} rows`);
  }
  throwIfAborted(signal);
  const nq = abc.length / 3;
  const result = new Int32Array(nq * k).fill(-1);
  const heaps: TopK[] = [];
  const local = new Int32Array(abc.length);
  const slot = new Map<number, number>();
  const totalWork = nq * limit;
  let doneWork = 0;
  let lastYield = performance.now();
  for (let q0 = 0; q0 < nq;) {
    // Gather questions until their distinct words would overflow the batch.
    slot.clear();
    let q1 = q0;
    for (; q1 < nq; q1++) {
      let fresh = 0;
      for (let t = 0; t < 3; t++) if (!slot.has(abc[3 * q1 + t])) fresh++;
      if (q1 > q0 && slot.size + fresh > MAX_BATCH_WORDS) break;
      for (let t = 0; t < 3; t++) {
        const row = abc[3 * q1 + t];
        if (!slot.has(row)) slot.set(row, slot.size);
        local[3 * q1 + t] = slot.get(row)!;
      }
    }
    const nw = slot.size;
    const w = new Float32Array(nw * dim);
    for (const [row, s] of slot) w.set(normed.subarray(row * dim, (row + 1) * dim), s * dim);
    while (heaps.length < q1 - q0) heaps.push(new TopK(k));
    for (let t = 0; t < q1 - q0; t++) heaps[t].clear();

    const block = Math.max(4, Math.min(limit, Math.floor(SCORE_BLOCK / nw)));
    const scores = new Float32Array(nw * block);
    for (let r0 = 0; r0 < limit; r0 += block) {
      const r1 = Math.min(r0 + block, limit);
      const nv = r1 - r0;
      matMulT(w, nw, normed, r0, r1, dim, scores);
      for (const z of zeroRows) if (z >= r0 && z < r1) for (let s = 0; s < nw; s++) scores[s * nv + z - r0] = NaN;
      for (let q = q0; q < q1; q++) {
        const heap = heaps[q - q0];
        const oa = local[3 * q] * nv;
        const ob = local[3 * q + 1] * nv;
        const oc = local[3 * q + 2] * nv;
        if (method === '3cosadd') addScores(scores, oa, ob, oc, nv, r0, heap);
        else mulScores(scores, oa, ob, oc, nv, r0, heap);
      }
      doneWork += (q1 - q0) * nv;
      onProgress?.(doneWork / totalWork);
      if (performance.now() - lastYield > YIELD_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        lastYield = performance.now();
      }
      throwIfAborted(signal);
    }
    for (let q = q0; q < q1; q++) result.set(heaps[q - q0].drain().indices, q * k);
    q0 = q1;
  }
  if (totalWork === 0) onProgress?.(1);
  return result;
}

/** 3CosAdd: `cos(x, b) + cos(x, c) - cos(x, a)` (the unit-normalised mean has the same order). */
function addScores(s: Float32Array, oa: number, ob: number, oc: number, nv: number, r0: number, heap: TopK): void {
  let threshold = heap.threshold;
  for (let j = 0; j < nv; j++) {
    const v = s[ob + j] + s[oc + j] - s[oa + j];
    if (v > threshold) {
      heap.push(v, r0 + j);
      threshold = heap.threshold;
    }
  }
}

/**
 * 3CosMul with cosines shifted to [0, 1], as gensim's `most_similar_cosmul`:
 * `((1+b)/2 · (1+c)/2) / ((1+a)/2 + 1e-6)`, rewritten as `(1+b)(1+c) / (2(1+a) + 4e-6)` and tested
 * against the threshold by multiplication (the denominator is positive) so that only candidates
 * pay for a division.
 */
function mulScores(s: Float32Array, oa: number, ob: number, oc: number, nv: number, r0: number, heap: TopK): void {
  let threshold = heap.threshold;
  for (let j = 0; j < nv; j++) {
    const num = (1 + s[ob + j]) * (1 + s[oc + j]);
    const den = 2 * (1 + s[oa + j]) + 4e-6;
    if (num > threshold * den) {
      heap.push(num / den, r0 + j);
      threshold = heap.threshold;
    }
  }
}
