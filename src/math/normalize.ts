/**
 * L2 norms and unit normalisation of float32 vectors and row-major matrices (the one L2
 * normaliser of embedkit: word vectors and the vector indexes use it). Zero vectors stay zero
 * (never NaN), like gensim's `matutils.unitvec`.
 */
import { UsageError } from '../errors.js';

/** Euclidean length of `v` (or of its `len` values from `from`), accumulated in float64. */
export function norm(v: ArrayLike<number>, from = 0, len = v.length - from): number {
  let s = 0;
  for (let i = from; i < from + len; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

/**
 * Writes the `len` values of `v` from `from` divided by their norm `n` (computed when not given)
 * into `out` from index `at`. An all-zero vector (n = 0) is written as it is.
 */
export function writeUnit(v: ArrayLike<number>, out: Float32Array, at = 0, from = 0, len = v.length - from, n = norm(v, from, len)): void {
  if (n > 0) for (let i = 0; i < len; i++) out[at + i] = v[from + i] / n;
  else for (let i = 0; i < len; i++) out[at + i] = v[from + i];
}

/** A unit-length float32 copy of `v`; an all-zero `v` gives an all-zero copy. */
export function unitVector(v: ArrayLike<number>): Float32Array {
  const out = new Float32Array(v.length);
  writeUnit(v, out);
  return out;
}

/** Euclidean length of every row of the row-major `rows × dim` matrix `data`. */
export function rowNorms(data: Float32Array, dim: number): Float64Array {
  checkShape(data, dim);
  const rows = data.length / dim;
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) out[r] = norm(data, r * dim, dim);
  return out;
}

/**
 * A copy of the row-major matrix `data` with every row divided by its norm (from `norms`, or
 * computed). Rows of norm 0 stay zero.
 */
export function normalizeRows(data: Float32Array, dim: number, norms: ArrayLike<number> = rowNorms(data, dim)): Float32Array {
  checkShape(data, dim);
  const rows = data.length / dim;
  if (norms.length !== rows) throw new UsageError(`${norms.length} norms given for ${rows} rows`);
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) {
    const n = norms[r];
    if (n > 0) writeUnit(data, out, r * dim, r * dim, dim, n);
  }
  return out;
}

function checkShape(data: Float32Array, dim: number): void {
  if (!(Number.isInteger(dim) && dim > 0) || data.length % dim !== 0) {
    throw new UsageError(`matrix of ${data.length} floats does not have rows of dim ${dim}`);
  }
}
