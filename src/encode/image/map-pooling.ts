import { UsageError } from '../../errors.js';

/**
 * How the last convolutional feature map of a CNN (`H × W × C`, one C-vector per position) becomes
 * one C-d vector:
 * - `average`: global average pooling, what the classification head uses (the shipped features);
 * - `max`: global max pooling (MAC, Tolias et al. 2016);
 * - `gem`: generalized mean `(mean_x f_x^p)^(1/p)` per channel (Radenović et al. 2018, eq. 2):
 *   p = 1 is the average, p → ∞ the max; p ≈ 3 weights the strongly activated positions more than
 *   the average does without depending on a single position as the max does;
 * - `rmac`: regional max activations (Tolias et al. 2016): the max over each of a fixed set of
 *   square regions at `levels` scales, each region's vector L2-normalised, then summed.
 */
export type MapPoolingName = 'average' | 'max' | 'gem' | 'rmac';

/** The `pooling` option of the CNN image encoders: a name, or the settings. */
export type MapPoolingOption = MapPoolingName | { type: MapPoolingName; p?: number; levels?: number };

/** Checked pooling settings. */
export interface MapPoolingSpec {
  type: MapPoolingName;
  /** GeM exponent (only `gem`). */
  p: number;
  /** R-MAC scales (only `rmac`). */
  levels: number;
}

/** Default GeM exponent: Radenović et al. 2018 start from p = 3 (their learned p ends near 3). */
export const DEFAULT_GEM_P = 3;
/** Default R-MAC scales (Tolias et al. 2016 use L = 3). */
export const DEFAULT_RMAC_LEVELS = 3;

const NAMES: readonly MapPoolingName[] = ['average', 'max', 'gem', 'rmac'];

/** Resolves the `pooling` option; UsageError on a bad value. */
export function resolveMapPooling(o: MapPoolingOption | undefined): MapPoolingSpec {
  const given = o === undefined ? { type: 'average' as const } : typeof o === 'string' ? { type: o } : o;
  if (given === null || typeof given !== 'object' || Array.isArray(given))
    throw new UsageError(`pooling must be one of ${NAMES.join(', ')} or an object {type, p, levels}, got ${JSON.stringify(o)}`);
  for (const key of Object.keys(given))
    if (!['type', 'p', 'levels'].includes(key)) throw new UsageError(`unknown pooling setting '${key}' (known: type, p, levels)`);
  const { type } = given;
  if (!NAMES.includes(type)) throw new UsageError(`pooling must be one of ${NAMES.join(', ')}, got ${JSON.stringify(type)}`);
  const p = given.p ?? DEFAULT_GEM_P;
  const levels = given.levels ?? DEFAULT_RMAC_LEVELS;
  if (typeof p !== 'number' || !(p >= 1 && p <= 64)) throw new UsageError(`pooling.p must be a number in [1, 64], got ${String(p)}`);
  if (!Number.isSafeInteger(levels) || levels < 1 || levels > 8)
    throw new UsageError(`pooling.levels must be an integer in 1 .. 8, got ${String(levels)}`);
  return { type, p: type === 'gem' ? p : DEFAULT_GEM_P, levels: type === 'rmac' ? levels : DEFAULT_RMAC_LEVELS };
}

/** A short stable text for cache identities and names: `average`, `gem(p=3)`, `rmac(levels=3)`. */
export function describeMapPooling(spec: MapPoolingSpec): string {
  if (spec.type === 'gem') return `gem(p=${spec.p})`;
  if (spec.type === 'rmac') return `rmac(levels=${spec.levels})`;
  return spec.type;
}

/** A square region of a feature map: top-left corner and side, in map positions. */
export interface MapRegion {
  top: number;
  left: number;
  size: number;
}

/**
 * The R-MAC regions of an `height × width` map (Tolias et al. 2016, sec. 3): at level l = 1 .. levels,
 * squares of side round(2·min(H, W) / (l + 1)) — at l = 1 the largest square, centred — placed
 * uniformly l (+1 along the longer side when the map is not square) times per axis, so that
 * neighbours overlap by about 40 %.
 */
export function rmacRegions(height: number, width: number, levels: number): MapRegion[] {
  const regions: MapRegion[] = [];
  const short = Math.min(height, width);
  const starts = (extent: number, size: number, count: number): number[] =>
    count === 1
      ? [Math.floor((extent - size) / 2)]
      : Array.from({ length: count }, (_, i) => Math.round((i * (extent - size)) / (count - 1)));
  for (let l = 1; l <= levels; l++) {
    const size = Math.max(1, Math.min(short, Math.round((2 * short) / (l + 1))));
    const rows = l === 1 ? 1 : l + (height > width ? 1 : 0);
    const cols = l === 1 ? 1 : l + (width > height ? 1 : 0);
    for (const top of starts(height, size, rows)) for (const left of starts(width, size, cols)) regions.push({ top, left, size });
  }
  return regions;
}

/**
 * Pools `images` feature maps (`data`: `images × height × width × channels`, NHWC, row-major) into
 * `images × channels` floats. Sums run in float64, so the result does not depend on how the batch
 * is split. GeM clamps values at 1e-6 first (Radenović et al.: the map is non-negative after ReLU).
 */
export function poolFeatureMaps(
  data: Float32Array,
  images: number,
  height: number,
  width: number,
  channels: number,
  spec: MapPoolingSpec,
): Float32Array {
  const positions = height * width;
  if (data.length !== images * positions * channels)
    throw new UsageError(`expected ${images} × ${height} × ${width} × ${channels} values, got ${data.length}`);
  const out = new Float32Array(images * channels);
  const acc = new Float64Array(channels);
  for (let img = 0; img < images; img++) {
    const base = img * positions * channels;
    const row = out.subarray(img * channels, (img + 1) * channels);
    if (spec.type === 'rmac') {
      rmacInto(data, base, height, width, channels, spec.levels, acc);
    } else if (spec.type === 'max') {
      acc.fill(-Infinity);
      for (let pos = 0; pos < positions; pos++)
        for (let c = 0, o = base + pos * channels; c < channels; c++) if (data[o + c] > acc[c]) acc[c] = data[o + c];
    } else if (spec.type === 'gem') {
      const p = spec.p;
      acc.fill(0);
      for (let pos = 0; pos < positions; pos++)
        for (let c = 0, o = base + pos * channels; c < channels; c++) acc[c] += Math.max(data[o + c], 1e-6) ** p;
      for (let c = 0; c < channels; c++) acc[c] = (acc[c] / positions) ** (1 / p);
    } else {
      acc.fill(0);
      for (let pos = 0; pos < positions; pos++) for (let c = 0, o = base + pos * channels; c < channels; c++) acc[c] += data[o + c];
      for (let c = 0; c < channels; c++) acc[c] /= positions;
    }
    for (let c = 0; c < channels; c++) row[c] = acc[c];
  }
  return out;
}

/** R-MAC of one map (starting at `base`) into `acc`: the sum of the L2-normalised region maxima. */
function rmacInto(
  data: Float32Array,
  base: number,
  height: number,
  width: number,
  channels: number,
  levels: number,
  acc: Float64Array,
): void {
  acc.fill(0);
  const region = new Float64Array(channels);
  for (const { top, left, size } of rmacRegions(height, width, levels)) {
    region.fill(-Infinity);
    for (let y = top; y < top + size; y++)
      for (let x = left; x < left + size; x++)
        for (let c = 0, o = base + (y * width + x) * channels; c < channels; c++) if (data[o + c] > region[c]) region[c] = data[o + c];
    let norm = 0;
    for (let c = 0; c < channels; c++) norm += region[c] * region[c];
    norm = Math.sqrt(norm);
    if (norm > 0) for (let c = 0; c < channels; c++) acc[c] += region[c] / norm;
  }
}
