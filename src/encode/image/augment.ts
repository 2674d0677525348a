import { UsageError } from '../../errors.js';

/**
 * Test-time augmentation: the model sees several views of each image and the features of the views
 * are pooled into one vector, which makes it less sensitive to mirroring, cropping and shifts
 * (the multi-crop evaluation of Krizhevsky et al. 2012 and Simonyan & Zisserman 2015, applied to
 * feature vectors).
 */
export interface TestTimeAugmentation {
  /** Add the horizontally mirrored copy of every view. Default true. */
  flip?: boolean;
  /**
   * Crops besides the whole image: 0 (none), 1 (centre) or 5 (centre and the four corners), each
   * `cropFraction` of the image's side, resized to the model's input. Default 0.
   */
  crops?: 0 | 1 | 5;
  /** Side of a crop as a fraction of the (resized) image's side, in (0, 1). Default 0.8. */
  cropFraction?: number;
  /** How the views' features become one vector: `mean` (default) or `max` (per dimension). */
  pooling?: 'mean' | 'max';
}

/**
 * The `tta` option of the image encoders: `'none'` (default: the whole image once), `'flip'` (whole
 * image + mirror: 2 views), `'crops'` (whole + centre + 4 corner crops: 6 views), `'flip-crops'`
 * (those 6 and their mirrors: 12 views), or the settings.
 */
export type TtaOption = 'none' | 'flip' | 'crops' | 'flip-crops' | TestTimeAugmentation;

/** Checked test-time augmentation settings. */
export interface TtaSpec {
  flip: boolean;
  crops: 0 | 1 | 5;
  cropFraction: number;
  pooling: 'mean' | 'max';
}

const PRESETS: Record<string, TestTimeAugmentation | null> = {
  none: null,
  flip: { flip: true, crops: 0 },
  crops: { flip: false, crops: 5 },
  'flip-crops': { flip: true, crops: 5 },
};

/** Resolves the `tta` option; null = no augmentation. UsageError on a bad value. */
export function resolveTta(o: TtaOption | undefined): TtaSpec | null {
  if (o === undefined) return null;
  let t: TestTimeAugmentation | null;
  if (typeof o === 'string') {
    if (!(o in PRESETS)) throw new UsageError(`tta must be one of ${Object.keys(PRESETS).join(', ')} or an object, got '${o}'`);
    t = PRESETS[o];
  } else if (o !== null && typeof o === 'object' && !Array.isArray(o)) t = o;
  else throw new UsageError(`tta must be one of ${Object.keys(PRESETS).join(', ')} or an object, got ${JSON.stringify(o)}`);
  if (t === null) return null;
  for (const key of Object.keys(t))
    if (!['flip', 'crops', 'cropFraction', 'pooling'].includes(key))
      throw new UsageError(`unknown tta setting '${key}' (known: flip, crops, cropFraction, pooling)`);
  const flip = t.flip ?? true;
  const crops = t.crops ?? 0;
  const cropFraction = t.cropFraction ?? 0.8;
  const pooling = t.pooling ?? 'mean';
  if (typeof flip !== 'boolean') throw new UsageError(`tta.flip must be a boolean, got ${String(flip)}`);
  if (crops !== 0 && crops !== 1 && crops !== 5) throw new UsageError(`tta.crops must be 0, 1 or 5, got ${String(crops)}`);
  if (typeof cropFraction !== 'number' || !(cropFraction > 0 && cropFraction < 1))
    throw new UsageError(`tta.cropFraction must be in (0, 1), got ${String(cropFraction)}`);
  if (pooling !== 'mean' && pooling !== 'max') throw new UsageError(`tta.pooling must be mean or max, got ${String(pooling)}`);
  if (!flip && crops === 0) return null;
  return { flip, crops, cropFraction, pooling };
}

/** Views per image: (1 + crops) × (2 if flipped). 1 without augmentation. */
export function viewsPerImage(tta: TtaSpec | null): number {
  return tta ? (1 + tta.crops) * (tta.flip ? 2 : 1) : 1;
}

/** The mirrored copy of `rgb` (HWC, 3 channels, `width × height`). */
export function flipHorizontal(rgb: Uint8Array, width: number, height: number): Uint8Array {
  const out = new Uint8Array(rgb.length);
  for (let y = 0; y < height; y++) {
    const row = y * width * 3;
    for (let x = 0; x < width; x++) {
      const from = row + x * 3;
      const to = row + (width - 1 - x) * 3;
      out[to] = rgb[from];
      out[to + 1] = rgb[from + 1];
      out[to + 2] = rgb[from + 2];
    }
  }
  return out;
}

/** The `width × height` window of `rgb` (HWC, 3 channels, `fullWidth` wide) at (left, top). */
export function cropWindow(rgb: Uint8Array, fullWidth: number, left: number, top: number, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    out.set(rgb.subarray(((top + y) * fullWidth + left) * 3, ((top + y) * fullWidth + left + width) * 3), y * width * 3);
  return out;
}

/**
 * The crop windows (left, top) of a `bigWidth × bigHeight` image for `W × H` crops: the centre,
 * then (for 5 crops) top-left, top-right, bottom-left, bottom-right.
 */
export function cropOrigins(crops: 1 | 5, bigWidth: number, bigHeight: number, W: number, H: number): [number, number][] {
  const cx = Math.floor((bigWidth - W) / 2);
  const cy = Math.floor((bigHeight - H) / 2);
  const out: [number, number][] = [[cx, cy]];
  if (crops === 5) out.push([0, 0], [bigWidth - W, 0], [0, bigHeight - H], [bigWidth - W, bigHeight - H]);
  return out;
}

/**
 * Pools the features of `views` consecutive rows per image: `features` holds `images × views`
 * rows of `dim` values, the result `images` rows (mean or per-dimension max).
 */
export function poolViews(features: Float32Array, images: number, views: number, dim: number, pooling: 'mean' | 'max'): Float32Array {
  if (views === 1) return features;
  const out = new Float32Array(images * dim);
  for (let i = 0; i < images; i++) {
    const o = i * dim;
    const first = i * views * dim;
    out.set(features.subarray(first, first + dim), o);
    for (let v = 1; v < views; v++) {
      const base = first + v * dim;
      if (pooling === 'max') for (let d = 0; d < dim; d++) out[o + d] = Math.max(out[o + d], features[base + d]);
      else for (let d = 0; d < dim; d++) out[o + d] += features[base + d];
    }
    if (pooling === 'mean') for (let d = 0; d < dim; d++) out[o + d] /= views;
  }
  return out;
}
