/** How a transformer's token states become one sentence vector. */
export type TokenPooling = 'mean' | 'cls';

/**
 * Pools `hidden` (`batch × seq × dim` token states, row-major) into `out` (`batch × dim`):
 * `'mean'` averages the states of the tokens whose `mask` is non-zero (special tokens included, as
 * sentence-transformers' mean pooling: Reimers & Gurevych 2019); `'cls'` takes the first token's
 * state (BGE, and BERT's [CLS] convention). A sequence with an all-zero mask gets a zero row.
 */
export function poolTokens(
  hidden: Float32Array,
  mask: ArrayLike<number | bigint>,
  batch: number,
  seq: number,
  dim: number,
  pooling: TokenPooling,
  out: Float32Array,
): void {
  const acc = new Float64Array(dim);
  for (let b = 0; b < batch; b++) {
    const o = b * dim;
    if (pooling === 'cls') {
      for (let d = 0; d < dim; d++) out[o + d] = hidden[b * seq * dim + d];
      continue;
    }
    acc.fill(0);
    let n = 0;
    for (let t = 0; t < seq; t++) {
      if (Number(mask[b * seq + t]) === 0) continue;
      n++;
      const h = (b * seq + t) * dim;
      for (let d = 0; d < dim; d++) acc[d] += hidden[h + d];
    }
    for (let d = 0; d < dim; d++) out[o + d] = n > 0 ? acc[d] / n : 0;
  }
}
