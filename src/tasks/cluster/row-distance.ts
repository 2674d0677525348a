import type { Matrix } from '../../math/matrix.js';

/** Euclidean distance between rows i and j, accumulated in float64. */
export function rowDistance(x: Matrix, i: number, j: number): number {
  const { dim, data } = x;
  let s = 0;
  for (let d = 0, oi = i * dim, oj = j * dim; d < dim; d++) {
    const t = data[oi + d] - data[oj + d];
    s += t * t;
  }
  return Math.sqrt(s);
}
