import { UsageError } from '../errors.js';

/** The k nearest other rows of every row by exact squared Euclidean distance (n × k ids). O(n²·dim). */
function exactNeighbors(x: ArrayLike<number>, n: number, dim: number, k: number): Int32Array {
  const ids = new Int32Array(n * k);
  const d = new Float64Array(n);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let t = 0; t < dim; t++) s += (x[i * dim + t] - x[j * dim + t]) ** 2;
      d[j] = j === i ? Infinity : s;
      order[j] = j;
    }
    order.sort((a, b) => d[a] - d[b] || a - b);
    ids.set(order.subarray(0, k), i * k);
  }
  return ids;
}

function checkPair(what: string, n: number, k: number): void {
  if (!(Number.isInteger(k) && k >= 1 && k < n - 1)) throw new UsageError(`${what}: k must be an integer in 1..${n - 2}, got ${k}`);
}

/**
 * Share of each row's k nearest neighbours in `high` (n × dimHigh) that are also among its k
 * nearest in `low` (n × dimLow), averaged over rows: 1 = every neighbourhood kept. Exact, O(n²);
 * meant for evaluation on a few thousand rows.
 */
export function neighborPreservation(
  high: ArrayLike<number>,
  dimHigh: number,
  low: ArrayLike<number>,
  dimLow: number,
  n: number,
  k = 10,
): number {
  checkPair('neighborPreservation', n, k);
  const a = exactNeighbors(high, n, dimHigh, k);
  const b = exactNeighbors(low, n, dimLow, k);
  let hits = 0;
  for (let i = 0; i < n; i++) {
    const set = new Set(b.subarray(i * k, (i + 1) * k));
    for (let j = 0; j < k; j++) if (set.has(a[i * k + j])) hits++;
  }
  return hits / (n * k);
}

/**
 * Trustworthiness of an embedding (Venna & Kaski 2001; scikit-learn's `trustworthiness`): 1 minus a
 * penalty for points that are among a row's k nearest in `low` but not in `high`, weighted by
 * how far down the row's `high` ranking they are. In [0, 1], 1 = no false neighbours. Exact, O(n² log n).
 */
export function trustworthiness(
  high: ArrayLike<number>,
  dimHigh: number,
  low: ArrayLike<number>,
  dimLow: number,
  n: number,
  k = 5,
): number {
  if (!(Number.isInteger(k) && k >= 1 && k < n / 2))
    throw new UsageError(`trustworthiness: k must be an integer in 1..${Math.ceil(n / 2) - 1}, got ${k}`);
  const lowIds = exactNeighbors(low, n, dimLow, k);
  const d = new Float64Array(n);
  const order = new Int32Array(n);
  const rank = new Int32Array(n);
  let penalty = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let t = 0; t < dimHigh; t++) s += (high[i * dimHigh + t] - high[j * dimHigh + t]) ** 2;
      d[j] = j === i ? -Infinity : s;
      order[j] = j;
    }
    order.sort((a, b) => d[a] - d[b] || a - b);
    for (let r = 0; r < n; r++) rank[order[r]] = r; // the row itself has rank 0
    for (let j = 0; j < k; j++) penalty += Math.max(0, rank[lowIds[i * k + j]] - k);
  }
  return 1 - (penalty * 2) / (n * k * (2 * n - 3 * k - 1));
}
