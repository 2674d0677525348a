import { mulberry32 } from '../math/random.js';
import { STORE } from './kernel/layout.js';
import type { VectorStore } from './vector-store.js';

/** Lloyd iterations on the sample. */
const ITERATIONS = 6;
/** Sample rows per cluster for the iterations (the assignment at the end covers every row). */
const SAMPLE_PER_CLUSTER = 48;
/** Rows assigned per step of the final assignment (a step is a few tens of milliseconds). */
const ASSIGN_CHUNK = 8192;

/** Result of {@link kmeansSteps}. */
export interface KmeansResult {
  centroids: Float32Array;
  assignment: Int32Array;
}

/**
 * k-means (Lloyd 1982) of the stored float rows `slots` into `nlist` clusters: initial centroids are
 * distinct random rows of a sample (seeded, so the result is repeatable), a few Lloyd iterations run
 * on the sample, then every row is assigned to its nearest centroid. The assignment step runs in
 * the SIMD kernel (`flat_assign`), in a block of work memory leased for the step. Empty
 * clusters are reseeded with a random sample row. A generator: it pauses after each iteration and
 * each chunk of the final assignment, so an async caller can give the event loop a turn (see
 * {@link runSteps}); the stored rows must not change in between (searches may run).
 */
export function* kmeansSteps(st: VectorStore, slots: Int32Array, nlist: number, seed = 0x5eed): Generator<void, KmeansResult, void> {
  const stride = st.rowShape.stride;
  const mem = st.mem;
  const vectorsAt = st.region.ptr(STORE.vectors);
  const rnd = mulberry32(seed);
  const n = slots.length;
  // a random sample (partial Fisher–Yates on a copy)
  const pool = slots.slice();
  const m = Math.min(n, Math.max(nlist, nlist * SAMPLE_PER_CLUSTER));
  for (let i = 0; i < m; i++) {
    const j = i + Math.floor(rnd() * (n - i));
    const t = pool[i];
    pool[i] = pool[j];
    pool[j] = t;
  }
  const sample = pool.subarray(0, m);
  const centroids = new Float32Array(nlist * stride);
  const row = (slot: number) => mem.f32(vectorsAt + slot * stride * 4, stride);
  for (let j = 0; j < nlist; j++) centroids.set(row(sample[j]), j * stride);
  // Each assignment step copies its inputs to a block leased for the step (between steps the
  // caller may let searches run; the index's own centroids stay untouched until the caller
  // installs the result).
  const assign = (list: Int32Array): Int32Array => {
    const m = list.length;
    const at = mem.work.leaseBytes(8 * m + 4 * nlist + 4 * centroids.length + 64); // slots, assignments, |c|², centroids
    try {
      const cent = at + 8 * m + 4 * nlist;
      mem.i32(at, m).set(list);
      mem.f32(cent, centroids.length).set(centroids);
      mem.kernel.flat_assign(st.region.at, at, m, cent, nlist, at + 8 * m, at + 4 * m);
      return mem.i32(at + 4 * m, m).slice();
    } finally {
      mem.work.release(at);
    }
  };
  const sums = new Float64Array(nlist * stride);
  const counts = new Int32Array(nlist);
  for (let it = 0; it < ITERATIONS; it++) {
    const a = assign(sample);
    sums.fill(0);
    counts.fill(0);
    const vectors = mem.f32(vectorsAt, st.count * stride);
    for (let i = 0; i < m; i++) {
      const c = a[i];
      counts[c]++;
      const base = sample[i] * stride;
      const o = c * stride;
      for (let d = 0; d < stride; d++) sums[o + d] += vectors[base + d];
    }
    for (let j = 0; j < nlist; j++) {
      if (counts[j] === 0) {
        centroids.set(row(sample[Math.floor(rnd() * m)]), j * stride);
        continue;
      }
      const inv = 1 / counts[j];
      for (let d = 0; d < stride; d++) centroids[j * stride + d] = sums[j * stride + d] * inv;
    }
    yield;
  }
  const assignment = new Int32Array(n);
  for (let i = 0; i < n; i += ASSIGN_CHUNK) {
    assignment.set(assign(slots.subarray(i, Math.min(n, i + ASSIGN_CHUNK))), i);
    yield;
  }
  return { centroids, assignment };
}

/** Runs a step generator to its end on this thread. */
export function runSteps<T>(steps: Generator<void, T, void>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** Runs a step generator, letting the event loop run between steps. */
export async function runStepsAsync<T>(steps: Generator<void, T, void>): Promise<T> {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
