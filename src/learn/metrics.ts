import { UsageError } from '../errors.js';

function cosineMatrix(a: Float32Array, aRows: number, b: Float32Array, bRows: number, dim: number): Float64Array {
  const na = new Float64Array(aRows);
  const nb = new Float64Array(bRows);
  for (let i = 0; i < aRows; i++) for (let d = 0; d < dim; d++) na[i] += a[i * dim + d] ** 2;
  for (let j = 0; j < bRows; j++) for (let d = 0; d < dim; d++) nb[j] += b[j * dim + d] ** 2;
  const s = new Float64Array(aRows * bRows);
  for (let i = 0; i < aRows; i++) {
    for (let j = 0; j < bRows; j++) {
      let v = 0;
      for (let d = 0; d < dim; d++) v += a[i * dim + d] * b[j * dim + d];
      const n = Math.sqrt(na[i] * nb[j]);
      s[i * bRows + j] = n > 0 ? v / n : 0;
    }
  }
  return s;
}

/**
 * Leave-one-out precision@1 by cosine similarity: the fraction of rows whose nearest other row has
 * the same label. Rows listed in `skip` (e.g. failed images) are neither queries nor candidates.
 */
export function leaveOneOutPrecisionAt1(
  data: Float32Array,
  dim: number,
  labels: ArrayLike<number>,
  skip: ReadonlySet<number> = new Set(),
): number {
  const rows = labels.length;
  if (data.length !== rows * dim) throw new UsageError(`expected ${rows} × ${dim} values, got ${data.length}`);
  const s = cosineMatrix(data, rows, data, rows, dim);
  let hits = 0;
  let queries = 0;
  for (let i = 0; i < rows; i++) {
    if (skip.has(i)) continue;
    let best = -1;
    let bestScore = -Infinity;
    for (let j = 0; j < rows; j++) {
      if (j === i || skip.has(j)) continue;
      if (s[i * rows + j] > bestScore) [bestScore, best] = [s[i * rows + j], j];
    }
    if (best < 0) continue;
    queries++;
    if (labels[best] === labels[i]) hits++;
  }
  return queries === 0 ? 0 : hits / queries;
}

/** Text→image style retrieval figures: one query per label, items ranked by cosine. */
export interface RetrievalFigures {
  /** Mean over queries of [the top item has the query's label]. */
  precisionAt1: number;
  /** Mean over queries of (relevant items in the top k) / min(k, relevant items). */
  recallAtK: number;
  k: number;
  /** Mean over queries of the precision of the top (number of relevant items) — R-precision. */
  rPrecision: number;
  queries: number;
}

/**
 * Ranks `items` (rows with `itemLabels`) for each query row (with `queryLabels`) by cosine and
 * reports precision@1, recall@k and R-precision. Queries with no relevant item are skipped.
 */
export function retrievalFigures(
  queries: Float32Array,
  queryLabels: ArrayLike<number>,
  items: Float32Array,
  itemLabels: ArrayLike<number>,
  dim: number,
  k = 5,
): RetrievalFigures {
  const q = queryLabels.length;
  const n = itemLabels.length;
  const s = cosineMatrix(queries, q, items, n, dim);
  let p1 = 0;
  let rk = 0;
  let rp = 0;
  let counted = 0;
  for (let i = 0; i < q; i++) {
    let relevant = 0;
    for (let j = 0; j < n; j++) if (itemLabels[j] === queryLabels[i]) relevant++;
    if (relevant === 0) continue;
    counted++;
    const order = Array.from({ length: n }, (_, j) => j).sort((a, b) => s[i * n + b] - s[i * n + a] || a - b);
    if (itemLabels[order[0]] === queryLabels[i]) p1++;
    let inK = 0;
    for (let t = 0; t < Math.min(k, n); t++) if (itemLabels[order[t]] === queryLabels[i]) inK++;
    rk += inK / Math.min(k, relevant);
    let inR = 0;
    for (let t = 0; t < relevant; t++) if (itemLabels[order[t]] === queryLabels[i]) inR++;
    rp += inR / relevant;
  }
  const d = Math.max(1, counted);
  return { precisionAt1: p1 / d, recallAtK: rk / d, k, rPrecision: rp / d, queries: counted };
}
