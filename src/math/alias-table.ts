import { UsageError } from '../errors.js';

/**
 * Walker's alias method (Vose 1991 construction): O(1) draws from a discrete distribution with two
 * table lookups. Used for the word2vec noise distribution instead of word2vec.c's 10^8-entry unigram
 * table (400 MB) or gensim's binary search over a cumulative table (log V lookups).
 *
 * A draw takes a uniform column `i` and a uniform 32-bit `u`: result = u <= prob[i] ? i : alias[i].
 * `prob` holds the acceptance probability of column i scaled to 0..2^32-1.
 */
export interface AliasTable {
  readonly prob: Uint32Array;
  readonly alias: Int32Array;
}

const U32 = 4294967295;

/** Builds the alias table for weights `w` (non-negative, not all zero). */
export function buildAliasTable(w: ArrayLike<number>): AliasTable {
  const n = w.length;
  if (n === 0) throw new UsageError('alias table needs at least one weight');
  let total = 0;
  for (let i = 0; i < n; i++) {
    if (!(w[i] >= 0) || !Number.isFinite(w[i])) throw new UsageError(`weight ${i} is ${w[i]}; weights must be finite and >= 0`);
    total += w[i];
  }
  if (total <= 0) throw new UsageError('alias table weights are all zero');
  const scaled = new Float64Array(n);
  for (let i = 0; i < n; i++) scaled[i] = (w[i] * n) / total;
  const prob = new Uint32Array(n);
  const alias = new Int32Array(n);
  const small = new Int32Array(n);
  const large = new Int32Array(n);
  let ns = 0;
  let nl = 0;
  for (let i = 0; i < n; i++) {
    if (scaled[i] < 1) small[ns++] = i;
    else large[nl++] = i;
  }
  while (ns > 0 && nl > 0) {
    const s = small[--ns];
    const l = large[--nl];
    prob[s] = Math.min(U32, Math.floor(scaled[s] * 4294967296));
    alias[s] = l;
    scaled[l] = scaled[l] + scaled[s] - 1;
    if (scaled[l] < 1) small[ns++] = l;
    else large[nl++] = l;
  }
  // Leftovers are 1 up to rounding error: always accept.
  while (nl > 0) {
    const l = large[--nl];
    prob[l] = U32;
    alias[l] = l;
  }
  while (ns > 0) {
    const s = small[--ns];
    prob[s] = U32;
    alias[s] = s;
  }
  return { prob, alias };
}

/** Exact probability of each outcome under `table` (for tests and diagnostics). */
export function aliasProbabilities(table: AliasTable): Float64Array {
  const n = table.prob.length;
  const p = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const accept = (table.prob[i] + 1) / 4294967296;
    p[i] += accept / n;
    p[table.alias[i]] += (1 - accept) / n;
  }
  return p;
}
