/**
 * L2 norms and unit normalisation of float32 vectors and row-major matrices. Zero vectors stay
 * zero (never NaN), like gensim's `matutils.unitvec`.
 */
import { UsageError } from '../errors.js';

/** Euclidean length of `v`, accumulated in float64. */
export function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

/** A unit-length float32 copy of `v`; an all-zero `v` gives an all-zero copy. */
export function unitVector(v: ArrayLike<number>): Float32Array {
  const out = new Float32Array(v.length);
  const n = norm(v);
  if (n > 0) for (let i = 0; i < v.length; i++) out[i] = v[i] / n;
  return out;
}

/** Euclidean length of every row of the row-major `rows × dim` matrix `data`. */
export function rowNorms(data: Float32Array, dim: number): Float64Array {
  checkShape(data, dim);
  const rows = data.length / dim;
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    const base = r * dim;
    for (let k = 0; k < dim; k++) s += data[base + k] * data[base + k];
    out[r] = Math.sqrt(s);
  }
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
    if (!(n > 0)) continue;
    const base = r * dim;
    for (let k = 0; k < dim; k++) out[base + k] = data[base + k] / n;
  }
  return out;
}

function checkShape(data: Float32Array, dim: number): void {
  if (!(Number.isInteger(dim) && dim > 0) || data.length % dim !== 0) {
    throw new UsageError(`matrix of ${data.length} floats does not have rows of dim ${dim}`);
  }
}
