import { EmbedkitError } from '../../errors.js';

/**
 * How a model output with more than one vector per image becomes one vector:
 * - `mean`: average over the spatial positions (global average pooling) or tokens;
 * - `max`: maximum over them (global max pooling);
 * - `cls`: the first token (ViT/CLIP-vision `last_hidden_state`);
 * - `none`: flatten everything after the batch axis.
 */
export type OutputPooling = 'mean' | 'max' | 'cls' | 'none';

/** Where the feature axis is in a rank-4 output: `nchw` `[N, C, H, W]` or `nhwc` `[N, H, W, C]`. */
export type OutputLayout = 'nchw' | 'nhwc';

/** The dimension one image's vector has for an output of shape `dims` (batch axis first). */
export function pooledDimension(dims: readonly number[], pooling: OutputPooling, layout: OutputLayout): number {
  if (dims.length < 2)
    throw new EmbedkitError(`the model output has shape [${dims.join(', ')}]: expected a batch axis and at least one feature axis`);
  if (dims.length === 2 || pooling === 'none') return dims.slice(1).reduce((a, b) => a * b, 1);
  if (dims.length === 3) return dims[2];
  if (dims.length === 4) return layout === 'nchw' ? dims[1] : dims[3];
  throw new EmbedkitError(
    `the model output has shape [${dims.join(', ')}]: pooling works on rank 3 [N, tokens, D] or rank 4 [N, C, H, W] outputs; use pooling 'none' to flatten`,
  );
}

/**
 * Pools a batch output (`data` with shape `dims`, batch first, row-major) to `dims[0] × D` rows.
 * Rank 2 is returned as it is; rank 3 `[N, T, D]` pools over T; rank 4 pools over the spatial axes.
 */
export function poolOutput(data: Float32Array, dims: readonly number[], pooling: OutputPooling, layout: OutputLayout): Float32Array {
  const n = dims[0];
  const dim = pooledDimension(dims, pooling, layout);
  if (dims.length === 2 || pooling === 'none') return data;
  // View every image's output as `positions × dim` with a stride between features.
  const positions = dims.length === 3 ? dims[1] : layout === 'nchw' ? dims[2] * dims[3] : dims[1] * dims[2];
  const channelsFirst = dims.length === 4 && layout === 'nchw';
  const at = (img: number, pos: number, d: number) =>
    channelsFirst ? data[(img * dim + d) * positions + pos] : data[(img * positions + pos) * dim + d];
  const out = new Float32Array(n * dim);
  for (let img = 0; img < n; img++) {
    for (let d = 0; d < dim; d++) {
      let v: number;
      if (pooling === 'cls') v = at(img, 0, d);
      else if (pooling === 'max') {
        v = -Infinity;
        for (let p = 0; p < positions; p++) v = Math.max(v, at(img, p, d));
      } else {
        v = 0;
        for (let p = 0; p < positions; p++) v += at(img, p, d);
        v /= positions;
      }
      out[img * dim + d] = v;
    }
  }
  return out;
}
