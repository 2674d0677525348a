import { UsageError } from '../errors.js';
import type { Matrix } from '../math/matrix.js';

/** The contingency table of two labelings (dense, classes × clusters) and its margins. */
function contingency(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
): { table: Float64Array; ka: number; kb: number; ra: Float64Array; rb: Float64Array } {
  if (a.length !== b.length) throw new UsageError(`clustering metrics: labelings of ${a.length} and ${b.length} items`);
  if (a.length === 0) throw new UsageError('clustering metrics: no items');
  const ids = (x: ArrayLike<number>) => {
    const m = new Map<number, number>();
    const out = new Int32Array(x.length);
    for (let i = 0; i < x.length; i++) {
      let v = m.get(x[i]);
      if (v === undefined) m.set(x[i], (v = m.size));
      out[i] = v;
    }
    return { out, k: m.size };
  };
  const A = ids(a);
  const B = ids(b);
  const table = new Float64Array(A.k * B.k);
  const ra = new Float64Array(A.k);
  const rb = new Float64Array(B.k);
  for (let i = 0; i < a.length; i++) {
    table[A.out[i] * B.k + B.out[i]]++;
    ra[A.out[i]]++;
    rb[B.out[i]]++;
  }
  return { table, ka: A.k, kb: B.k, ra, rb };
}

const choose2 = (x: number) => (x * (x - 1)) / 2;

/**
 * Adjusted Rand index (Hubert & Arabie 1985) of two labelings: 1 for identical partitions, ~0 for
 * independent ones. Two single-cluster labelings score 1 (as scikit-learn).
 */
export function adjustedRandIndex(truth: ArrayLike<number>, predicted: ArrayLike<number>): number {
  const { table, ra, rb } = contingency(truth, predicted);
  const n = truth.length;
  let index = 0;
  for (const v of table) index += choose2(v);
  let sa = 0;
  let sb = 0;
  for (const v of ra) sa += choose2(v);
  for (const v of rb) sb += choose2(v);
  const expected = (sa * sb) / choose2(n);
  const max = (sa + sb) / 2;
  if (max === expected) return 1;
  return (index - expected) / (max - expected);
}

/**
 * Normalized mutual information with the arithmetic-mean normalisation, I(U;V) / ((H(U) + H(V)) / 2)
 * (scikit-learn's default). Two labelings without entropy (one cluster each) score 1.
 */
export function normalizedMutualInfo(truth: ArrayLike<number>, predicted: ArrayLike<number>): number {
  const { table, ka, kb, ra, rb } = contingency(truth, predicted);
  const n = truth.length;
  const entropy = (r: Float64Array) => {
    let h = 0;
    for (const v of r) if (v > 0) h -= (v / n) * Math.log(v / n);
    return h;
  };
  const ha = entropy(ra);
  const hb = entropy(rb);
  if (ha === 0 && hb === 0) return 1;
  let mi = 0;
  for (let i = 0; i < ka; i++)
    for (let j = 0; j < kb; j++) {
      const v = table[i * kb + j];
      if (v > 0) mi += (v / n) * Math.log((n * v) / (ra[i] * rb[j]));
    }
  const denom = (ha + hb) / 2;
  return denom > 0 ? Math.max(0, mi / denom) : 0;
}

/**
 * Mean silhouette coefficient (Rousseeuw 1987) with Euclidean distances: s(i) = (b − a) / max(a, b)
 * where a is the mean distance to the other members of i's cluster and b the smallest mean distance
 * to another cluster; members of singleton clusters score 0. Exact, O(n²·dim) time and O(n + k)
 * memory (no distance matrix); `sample` (seeded, default all rows) scores a subset of rows against
 * every row for large sets. Labels < 0 (noise) are skipped.
 */
export function silhouetteScore(x: Matrix, labels: ArrayLike<number>, options: { sample?: number; seed?: number } = {}): number {
  const { rows, dim, data } = x;
  if (labels.length !== rows) throw new UsageError(`silhouetteScore: ${rows} rows but ${labels.length} labels`);
  const clusterOf = new Map<number, number>();
  for (let i = 0; i < rows; i++) if (labels[i] >= 0 && !clusterOf.has(labels[i])) clusterOf.set(labels[i], clusterOf.size);
  const k = clusterOf.size;
  if (k < 2 || k >= rows) throw new UsageError(`silhouetteScore needs 2 ≤ clusters < rows (got ${k} clusters, ${rows} rows)`);
  const lab = new Int32Array(rows);
  const size = new Float64Array(k);
  for (let i = 0; i < rows; i++) {
    lab[i] = labels[i] >= 0 ? (clusterOf.get(labels[i]) as number) : -1;
    if (lab[i] >= 0) size[lab[i]]++;
  }
  let order = Array.from({ length: rows }, (_, i) => i).filter((i) => lab[i] >= 0);
  if (options.sample !== undefined && options.sample < order.length) {
    let s = (options.seed ?? 0) >>> 0 || 1;
    const rnd = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296;
    for (let i = 0; i < options.sample; i++) {
      const j = i + Math.floor(rnd() * (order.length - i));
      [order[i], order[j]] = [order[j], order[i]];
    }
    order = order.slice(0, options.sample);
  }
  const sums = new Float64Array(k);
  let total = 0;
  for (const i of order) {
    sums.fill(0);
    const oi = i * dim;
    for (let j = 0; j < rows; j++) {
      if (lab[j] < 0 || j === i) continue;
      let d2 = 0;
      const oj = j * dim;
      for (let d = 0; d < dim; d++) {
        const t = data[oi + d] - data[oj + d];
        d2 += t * t;
      }
      sums[lab[j]] += Math.sqrt(d2);
    }
    const own = lab[i];
    if (size[own] <= 1) continue; // s(i) = 0
    const a = sums[own] / (size[own] - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && size[c] > 0) b = Math.min(b, sums[c] / size[c]);
    const m = Math.max(a, b);
    total += m > 0 ? (b - a) / m : 0;
  }
  return total / order.length;
}
