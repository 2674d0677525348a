import type { ImageInput } from '../image/types.js';
import type { Encoder } from '../types.js';

/** Backbone features of a list of images. */
export interface FeatureTable {
  /** `rows × dim`, unit rows (zero rows for failed images). */
  data: Float32Array;
  rows: number;
  dim: number;
  /** Failed images by row: the error message names the file and the problem. */
  failures: Map<number, string>;
}

/** Options of {@link computeFeatures}. */
export interface FeatureOptions {
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** Passed on to the backbone's `embed` (on-disk cache, for encoders that support it). */
  cacheDir?: string;
}

/**
 * Runs the frozen backbone once over `inputs` (unit-normalised rows, the input of the head, both
 * when training and in the trained encoder). Per-image failures are collected, the rest goes on.
 */
export async function computeFeatures(
  backbone: Encoder<ImageInput>,
  inputs: readonly ImageInput[],
  options: FeatureOptions = {},
): Promise<FeatureTable> {
  const out = await backbone.embed(inputs, {
    normalize: true,
    ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.cacheDir !== undefined ? { cacheDir: options.cacheDir } : {}),
  });
  const failures = new Map<number, string>();
  for (const e of out.errors) failures.set(e.index, e.message);
  return { data: out.data, rows: out.rows, dim: out.dim, failures };
}
