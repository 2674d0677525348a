/**
 * Rows of features: an optional sparse part (CSR: the columns and values of row i are
 * `indices/values[indptr[i] .. indptr[i+1])`) followed by an optional dense part (`denseDim`
 * columns per row). Columns: sparse ones first, then the dense ones. TF-IDF n-grams are the
 * sparse part, encoder embeddings the dense one.
 */
export interface FeatureRows {
  rows: number;
  sparseDim: number;
  indptr?: Int32Array;
  indices?: Int32Array;
  values?: Float32Array;
  denseDim: number;
  dense?: Float32Array;
}

/** Total number of columns. */
export function featureDim(x: FeatureRows): number {
  return x.sparseDim + x.denseDim;
}
