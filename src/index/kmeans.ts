import { mulberry32 } from '../math/random.js';
import type { IndexStore } from './kernel/store.js';

/** Lloyd iterations on the sample. */
const ITERATIONS = 8;
/** Sample rows per cluster for the iterations (the assignment at the end covers every row). */
const SAMPLE_PER_CLUSTER = 64;

/**
 * k-means (Lloyd 1982) of the stored float rows `slots` into `nlist` clusters: initial centroids are
 * distinct random rows of a sample (seeded, so the result is repeatable), a few Lloyd iterations run
 * on the sample, then every row is assigned to its nearest centroid. The assignment step runs in
 * the SIMD kernel (`flat_assign`); `area(bytes)` gives a free region of kernel memory. Empty
 * clusters are reseeded with a random sample row. The centroids are left in the kernel's centroid
 * table as well.
 */
export function kmeansClusters(
  st: IndexStore,
  slots: Int32Array,
  nlist: number,
  area: (bytes: number) => number,
  seed = 0x5eed,
): { centroids: Float32Array; assignment: Int32Array } {
  const stride = st.g.stride;
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
  const at = area(8 * n + 64);
  const centroids = new Float32Array(nlist * stride);
  const row = (slot: number) => st.f32(st.data.vectors + slot * stride * 4, stride);
  for (let j = 0; j < nlist; j++) centroids.set(row(sample[j]), j * stride);
  const assign = (list: Int32Array): Int32Array => {
    st.i32(at, list.length).set(list);
    st.f32(st.data.cent, centroids.length).set(centroids);
    st.kernel.flat_assign(st.data.struct, at, list.length, st.data.cent, nlist, at + 4 * n);
    return st.i32(at + 4 * n, list.length).slice();
  };
  const sums = new Float64Array(nlist * stride);
  const counts = new Int32Array(nlist);
  for (let it = 0; it < ITERATIONS; it++) {
    const a = assign(sample);
    sums.fill(0);
    counts.fill(0);
    const vectors = st.f32(st.data.vectors, st.count * stride);
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
  }
  return { centroids, assignment: assign(slots) };
}
