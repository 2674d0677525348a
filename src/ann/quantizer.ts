/**
 * Scalar int8 quantizer parameters fitted on sample vectors: code_d = round((x_d − offset_d) /
 * scale_d), |code| ≤ 127. 'per-dimension' fits each dimension's range; 'global' uses one scale for
 * all (the widest range). With `binary`, offset_d is the per-dimension median-ish threshold (the
 * mean) and codes are the sign bits of x − offset.
 */
export interface QuantizerParams {
  offset: Float32Array;
  scale: Float32Array;
}

/** Fits int8 parameters on `rows` rows of `dim` values (stride `stride`). */
export function fitInt8(data: Float32Array, rows: number, dim: number, stride: number, range: 'per-dimension' | 'global'): QuantizerParams {
  const lo = new Float64Array(dim).fill(Infinity);
  const hi = new Float64Array(dim).fill(-Infinity);
  for (let r = 0; r < rows; r++) {
    for (let d = 0; d < dim; d++) {
      const v = data[r * stride + d];
      if (v < lo[d]) lo[d] = v;
      if (v > hi[d]) hi[d] = v;
    }
  }
  const offset = new Float32Array(dim);
  const scale = new Float32Array(dim);
  let widest = 0;
  for (let d = 0; d < dim; d++) widest = Math.max(widest, hi[d] - lo[d]);
  for (let d = 0; d < dim; d++) {
    offset[d] = (lo[d] + hi[d]) / 2;
    const width = range === 'global' ? widest : hi[d] - lo[d];
    scale[d] = width > 0 ? width / 254 : 1;
  }
  return { offset, scale };
}

/** Fits binary thresholds (per-dimension means). */
export function fitBinary(data: Float32Array, rows: number, dim: number, stride: number): QuantizerParams {
  const sum = new Float64Array(dim);
  for (let r = 0; r < rows; r++) for (let d = 0; d < dim; d++) sum[d] += data[r * stride + d];
  const offset = new Float32Array(dim);
  for (let d = 0; d < dim; d++) offset[d] = rows > 0 ? sum[d] / rows : 0;
  return { offset, scale: new Float32Array(dim).fill(1) };
}
