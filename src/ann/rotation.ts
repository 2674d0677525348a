import { symmetricEigen } from '../math/eigen.js';

/** Energy share of the first screening stage of rotated codes. */
const ENERGY = 0.9;
/** Rows the second-moment matrix is estimated from (evenly spaced). */
const SAMPLE_ROWS = 8192;

/** A principal-axes basis for int8 codes. */
export interface Rotation {
  /** dim × dim, row a = the a-th axis (by decreasing eigenvalue). */
  rot: Float32Array;
  /** Code dims of the first screening stage: the fewest (in multiples of 16) holding 90 % of the energy. */
  tDims: number;
  /** The rows the moments were taken from, in the new basis (stride values each), and how many. */
  sample: Float32Array;
  rows: number;
}

/**
 * Principal axes of `rows` rows of `sample` (stride values per row, dim used): the eigenvectors of
 * the second-moment matrix of up to 8192 evenly spaced rows. Taking codes in this basis changes no
 * distance (q·x and |q − x| are the same in any orthonormal basis), but the leading dims carry most
 * of the energy, so a first screening stage on them rejects most rows (see flat-search.c).
 * `codeStride` bounds the first stage (it covers every code dim when 90 % needs nearly all).
 */
export function principalAxes(sample: Float32Array, rows: number, dim: number, stride: number, codeStride: number): Rotation {
  const d = dim;
  const step = Math.max(1, Math.floor(rows / SAMPLE_ROWS));
  const m = new Float64Array(d * d);
  let used = 0;
  for (let r = 0; r < rows; r += step, used++) {
    const row = sample.subarray(r * stride, r * stride + d);
    for (let i = 0; i < d; i++) {
      const vi = row[i];
      if (vi === 0) continue;
      for (let j = i; j < d; j++) m[i * d + j] += vi * row[j];
    }
  }
  for (let i = 0; i < d; i++) for (let j = i; j < d; j++) m[j * d + i] = m[i * d + j] /= Math.max(1, used);
  const { values, vectors } = symmetricEigen(m, d);
  const rot = Float32Array.from(vectors);
  let total = 0;
  for (let i = 0; i < d; i++) total += Math.max(0, values[i]);
  let t = codeStride;
  let acc = 0;
  for (let i = 0; i < d; i++) {
    acc += Math.max(0, values[i]);
    if (acc >= ENERGY * total) {
      t = Math.ceil((i + 1) / 16) * 16;
      break;
    }
  }
  // the rows the moments were taken from, in the new basis, for fitting the quantizer there (a
  // row outside the fitted range is clipped, and its code error, hence its bound, says so)
  const picked = Math.ceil(rows / step);
  const out = new Float32Array(picked * stride);
  for (let r = 0, i = 0; r < rows; r += step, i++) {
    const row = sample.subarray(r * stride, r * stride + d);
    for (let a = 0; a < d; a++) {
      let v = 0;
      for (let k = 0; k < d; k++) v += rot[a * d + k] * row[k];
      out[i * stride + a] = v;
    }
  }
  return { rot, tDims: t <= codeStride - 16 ? t : codeStride, sample: out, rows: picked };
}
