import { UsageError } from '../../errors.js';
import { requirePackages } from '../packages.js';
import { loadSharp } from './decode.js';
import { checkBatchSize, PipelinedImageEncoder, type BatchRunner } from './pipeline.js';
import { resolvePreprocess } from './preprocess.js';
import type { ResizeMode } from './types.js';

/** Options of the `raw-pixels` baseline encoder. */
export interface PixelEncoderOptions {
  /** Side of the square thumbnail. Default 32 (1024-d vectors). */
  size?: number;
  /** Default `fill` (the whole image, squashed). */
  resize?: ResizeMode;
  /** Subtract each image's mean grey level, so cosine similarity is the pixels' correlation. Default true. */
  center?: boolean;
  batchSize?: number;
  maxInputPixels?: number;
  normalize?: boolean;
  /** Accepted for uniformity with the other image encoders; unused (the work is decoding, on sharp's threads). */
  threads?: number;
}

const KNOWN = new Set(['size', 'resize', 'center', 'batchSize', 'maxInputPixels', 'normalize', 'threads']);

/** Rec. 601 luma weights (what ImageMagick and sharp's greyscale use). */
const LUMA = [0.299, 0.587, 0.114] as const;

/** Turns `count` NHWC RGB thumbnails (values in [0, 1]) into grey vectors, optionally centred. */
export function greyRows(batch: Float32Array, count: number, pixels: number, center: boolean): Float32Array {
  const out = new Float32Array(count * pixels);
  for (let n = 0; n < count; n++) {
    let sum = 0;
    for (let p = 0; p < pixels; p++) {
      const o = (n * pixels + p) * 3;
      const v = LUMA[0] * batch[o] + LUMA[1] * batch[o + 1] + LUMA[2] * batch[o + 2];
      out[n * pixels + p] = v;
      sum += v;
    }
    if (center) {
      const mean = sum / pixels;
      for (let p = 0; p < pixels; p++) out[n * pixels + p] -= mean;
    }
  }
  return out;
}

/**
 * The raw-pixel baseline `raw-pixels`: each image as a small greyscale thumbnail (default 32×32 →
 * 1024-d), mean-centred. Retrieval quality of a learned encoder is judged against it.
 */
export async function loadPixelEncoder(options: PixelEncoderOptions = {}): Promise<PipelinedImageEncoder> {
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new UsageError(`unknown option '${key}' of the raw-pixels encoder (known: ${[...KNOWN].join(', ')})`);
  }
  const size = options.size ?? 32;
  if (!Number.isSafeInteger(size) || size < 1 || size > 512)
    throw new UsageError(`size must be an integer in 1 .. 512, got ${String(size)}`);
  const center = options.center ?? true;
  if (typeof center !== 'boolean') throw new UsageError(`center must be a boolean, got ${String(center)}`);
  requirePackages('raw-pixels', ['sharp']);
  const preprocess = resolvePreprocess({
    width: size,
    height: size,
    resize: options.resize ?? 'fill',
    normalization: 'unit',
    layout: 'nhwc',
    maxInputPixels: options.maxInputPixels,
  });
  await loadSharp();
  const pixels = size * size;
  const runner: BatchRunner = { lanes: 1, run: async (batch, count) => greyRows(batch, count, pixels, center) };
  return new PipelinedImageEncoder({
    name: 'raw-pixels',
    dimension: pixels,
    preprocess,
    runner,
    batchSize: checkBatchSize(options.batchSize ?? 64),
    normalize: options.normalize ?? true,
    cacheIdentity: `grey center=${center}`,
  });
}
