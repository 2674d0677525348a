/**
 * Correlation statistics with scipy's conventions: `rankdata` (ties get their average rank),
 * `pearson` (scipy.stats.pearsonr's coefficient) and `spearman` (Pearson on average ranks).
 */
import { UsageError } from '../errors.js';

/**
 * 1-based ranks of `x`, ties sharing the average of the ranks they span (scipy's
 * `rankdata(method='average')`). NaN is not allowed.
 */
export function rankdata(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(x[i])) throw new UsageError(`rankdata: NaN at position ${i}`);
    order[i] = i;
  }
  order.sort((a, b) => x[a] - x[b] || a - b);
  const ranks = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i + 1;
    while (j < n && x[order[j]] === x[order[i]]) j++;
    const avg = (i + 1 + j) / 2; // mean of ranks i+1 .. j
    for (let t = i; t < j; t++) ranks[order[t]] = avg;
    i = j;
  }
  return ranks;
}

/**
 * Pearson correlation coefficient of `x` and `y`, computed like scipy.stats.pearsonr (centred,
 * each side scaled to unit length, clipped to [-1, 1]). NaN when fewer than two pairs or when
 * either side is constant.
 */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  if (y.length !== n) throw new UsageError(`pearson: ${n} values against ${y.length}`);
  if (n < 2) return NaN;
  if (isConstant(x) || isConstant(y)) return NaN;
  if (n === 2) return Math.sign(x[1] - x[0]) * Math.sign(y[1] - y[0]);
  const mx = mean(x);
  const my = mean(y);
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  const nx = Math.sqrt(sxx);
  const ny = Math.sqrt(syy);
  let r = 0;
  for (let i = 0; i < n; i++) r += ((x[i] - mx) / nx) * ((y[i] - my) / ny);
  return Math.max(-1, Math.min(1, r));
}

/**
 * Spearman rank correlation: Pearson correlation of the tie-averaged ranks (scipy.stats.spearmanr).
 * NaN when an input holds NaN, has fewer than two values or is constant.
 */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (y.length !== x.length) throw new UsageError(`spearman: ${x.length} values against ${y.length}`);
  if (hasNaN(x) || hasNaN(y)) return NaN;
  return pearson(rankdata(x), rankdata(y));
}

function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s / x.length;
}

function isConstant(x: ArrayLike<number>): boolean {
  for (let i = 1; i < x.length; i++) if (x[i] !== x[0]) return false;
  return true;
}

function hasNaN(x: ArrayLike<number>): boolean {
  for (let i = 0; i < x.length; i++) if (Number.isNaN(x[i])) return true;
  return false;
}
