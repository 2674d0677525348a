import { UsageError } from '../../errors.js';
import { featureDim, type FeatureRows } from '../../learn/feature-rows.js';

// The feature rows live in the learn layer, which trains networks on them.
export { featureDim, type FeatureRows } from '../../learn/feature-rows.js';

/** Concatenates a sparse and a dense block (either may be absent) row by row. */
export function combineFeatures(
  rows: number,
  sparse: { dim: number; indptr: Int32Array; indices: Int32Array; values: Float32Array } | undefined,
  dense: { dim: number; data: Float32Array } | undefined,
): FeatureRows {
  if (!sparse && !dense) throw new UsageError('no features: give TF-IDF n-grams, an encoder, or both');
  if (dense && dense.data.length !== rows * dense.dim)
    throw new UsageError(`dense features: ${dense.data.length} values for ${rows} rows of ${dense.dim}`);
  return {
    rows,
    sparseDim: sparse?.dim ?? 0,
    indptr: sparse?.indptr,
    indices: sparse?.indices,
    values: sparse?.values,
    denseDim: dense?.dim ?? 0,
    dense: dense?.data,
  };
}

/** Selects rows (for cross-validation folds). */
export function selectRows(x: FeatureRows, rows: ArrayLike<number>): FeatureRows {
  const out: FeatureRows = { rows: rows.length, sparseDim: x.sparseDim, denseDim: x.denseDim };
  if (x.indptr && x.indices && x.values) {
    let nnz = 0;
    for (let r = 0; r < rows.length; r++) nnz += x.indptr[rows[r] + 1] - x.indptr[rows[r]];
    const indptr = new Int32Array(rows.length + 1);
    const indices = new Int32Array(nnz);
    const values = new Float32Array(nnz);
    let at = 0;
    for (let r = 0; r < rows.length; r++) {
      const a = x.indptr[rows[r]];
      const b = x.indptr[rows[r] + 1];
      indices.set(x.indices.subarray(a, b), at);
      values.set(x.values.subarray(a, b), at);
      at += b - a;
      indptr[r + 1] = at;
    }
    Object.assign(out, { indptr, indices, values });
  }
  if (x.dense) {
    const dense = new Float32Array(rows.length * x.denseDim);
    for (let r = 0; r < rows.length; r++) dense.set(x.dense.subarray(rows[r] * x.denseDim, (rows[r] + 1) * x.denseDim), r * x.denseDim);
    out.dense = dense;
  }
  return out;
}

/**
 * scores[i·K + k] = b[k] + Σ_j x[i,j] · W[j·K + k] for weights W (D × K, feature-major so a
 * sparse feature's K weights are adjacent; then the K biases at the end of the same array).
 */
export function linearScores(x: FeatureRows, w: Float64Array | Float32Array, K: number): Float64Array {
  const D = featureDim(x);
  const out = new Float64Array(x.rows * K);
  const bias = K * D;
  for (let i = 0; i < x.rows; i++) {
    const o = i * K;
    for (let k = 0; k < K; k++) out[o + k] = w[bias + k];
    if (x.indptr && x.indices && x.values) {
      for (let p = x.indptr[i]; p < x.indptr[i + 1]; p++) {
        const j = x.indices[p];
        const v = x.values[p];
        for (let k = 0; k < K; k++) out[o + k] += v * w[j * K + k];
      }
    }
    if (x.dense) {
      const base = i * x.denseDim;
      for (let j = 0; j < x.denseDim; j++) {
        const v = x.dense[base + j];
        const wj = (x.sparseDim + j) * K;
        for (let k = 0; k < K; k++) out[o + k] += v * w[wj + k];
      }
    }
  }
  return out;
}

/** grad[j·K + k] += Σ_i coef[i·K + k] · x[i,j], and the bias gradients Σ_i coef[i·K + k]. */
export function accumulateGradient(x: FeatureRows, coef: Float64Array, K: number, grad: Float64Array): void {
  const D = featureDim(x);
  const bias = K * D;
  for (let i = 0; i < x.rows; i++) {
    const o = i * K;
    for (let k = 0; k < K; k++) grad[bias + k] += coef[o + k];
    if (x.indptr && x.indices && x.values) {
      for (let p = x.indptr[i]; p < x.indptr[i + 1]; p++) {
        const j = x.indices[p];
        const v = x.values[p];
        for (let k = 0; k < K; k++) grad[j * K + k] += v * coef[o + k];
      }
    }
    if (x.dense) {
      const base = i * x.denseDim;
      for (let j = 0; j < x.denseDim; j++) {
        const v = x.dense[base + j];
        const gj = (x.sparseDim + j) * K;
        for (let k = 0; k < K; k++) grad[gj + k] += v * coef[o + k];
      }
    }
  }
}
