/**
 * The one currency between embedkit's boxes: a dense row-major matrix of float32 row vectors.
 * Row `i` is `data.subarray(i * dim, (i + 1) * dim)`.
 */
export interface Matrix {
  readonly rows: number;
  readonly dim: number;
  readonly data: Float32Array;
}

/** A view of row `i` (no copy). */
export function row(m: Matrix, i: number): Float32Array {
  return m.data.subarray(i * m.dim, (i + 1) * m.dim);
}
