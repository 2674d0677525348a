import { availableParallelism } from 'node:os';
import { UsageError } from '../../errors.js';
import { requirePackages } from '../packages.js';
import { loadSharp } from './decode.js';
import { resolveTta, type TtaOption } from './augment.js';
import { describeMapPooling, resolveMapPooling, type MapPoolingOption } from './map-pooling.js';
import { checkBatchSize, PipelinedImageEncoder } from './pipeline.js';
import { resolvePreprocess } from './preprocess.js';
import { TfjsWorkerPool } from './tfjs-pool.js';
import { TFJS_MODELS, type TfjsModelName } from './tfjs-models.js';
import type { ResizeMode } from './types.js';

/** Options of the `mobilenet-v2` and `inception-v3` encoders. */
export interface TfjsImageEncoderOptions {
  /**
   * Inference worker threads, each with its own copy of the model (tfjs's WebAssembly backend runs on
   * one thread). Default: the number of cores, at most 4.
   */
  threads?: number;
  /** Images per model call. Default 8 (mobilenet-v2), 4 (inception-v3). */
  batchSize?: number;
  /** Default `cover` (centre crop). */
  resize?: ResizeMode;
  /** Default 1 (no extra crop). */
  centerCropFraction?: number;
  /** Larger images are refused per item. Default 40,000,000; 0 = no limit. */
  maxInputPixels?: number;
  /** Unit-normalise the vectors (default true). */
  normalize?: boolean;
  /**
   * Test-time augmentation: `'flip'` (image + mirror), `'crops'` (image + centre and corner crops),
   * `'flip-crops'`, or the settings; the views' features are pooled. Default 'none'.
   */
  tta?: TtaOption;
  /**
   * How the last feature map becomes the vector (mobilenet-v2 only): `'average'` (default, the
   * model's own global average), `'max'`, `'gem'` (generalized mean, p = 3), `'rmac'`, or
   * `{ type, p, levels }`.
   */
  pooling?: MapPoolingOption;
}

/** An image encoder backed by a tfjs model on worker threads; exposes how long loading took. */
export class TfjsImageEncoder extends PipelinedImageEncoder {
  /** Seconds to start the workers and load + warm up the model in each. */
  loadSeconds = 0;
  /** Inference worker threads. */
  threads = 1;
}

const KNOWN = new Set(['threads', 'batchSize', 'resize', 'centerCropFraction', 'maxInputPixels', 'normalize', 'tta', 'pooling']);

/** Loads `mobilenet-v2` (1792-d) or `inception-v3` (2048-d): pretrained CNN features, weights from nsfwjs. */
export async function loadTfjsImageEncoder(name: TfjsModelName, options: TfjsImageEncoderOptions = {}): Promise<TfjsImageEncoder> {
  const spec = TFJS_MODELS[name];
  if (!spec) throw new UsageError(`unknown tfjs image model '${String(name)}' (known: ${Object.keys(TFJS_MODELS).join(', ')})`);
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new UsageError(`unknown option '${key}' of the ${name} encoder (known: ${[...KNOWN].join(', ')})`);
  }
  const threads = options.threads ?? Math.max(1, Math.min(4, availableParallelism()));
  if (!Number.isSafeInteger(threads) || threads < 1 || threads > 64)
    throw new UsageError(`threads must be an integer in 1 .. 64, got ${String(threads)}`);
  const preprocess = resolvePreprocess({
    width: spec.size,
    height: spec.size,
    resize: options.resize ?? 'cover',
    centerCropFraction: options.centerCropFraction ?? 1,
    normalization: spec.normalization,
    layout: 'nhwc',
    maxInputPixels: options.maxInputPixels,
  });
  const batchSize = checkBatchSize(options.batchSize ?? spec.batchSize);
  const tta = resolveTta(options.tta);
  const pooling = resolveMapPooling(options.pooling);
  if (pooling.type !== 'average' && !spec.featureMap)
    throw new UsageError(`the ${name} encoder supports only pooling 'average' (no feature map exposed), got '${pooling.type}'`);
  requirePackages(name, ['sharp', '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', 'nsfwjs']);
  await loadSharp();
  const pool = await TfjsWorkerPool.start(name, threads, pooling.type === 'average' ? {} : { pooling });
  const encoder = new TfjsImageEncoder({
    name,
    dimension: spec.dimension,
    preprocess,
    runner: pool,
    batchSize,
    normalize: options.normalize ?? true,
    cacheIdentity:
      pooling.type === 'average'
        ? `nsfwjs 4.3.0 ${spec.bundle} ${spec.output}`
        : `nsfwjs 4.3.0 ${spec.bundle} ${spec.featureMap?.output} ${describeMapPooling(pooling)}`,
    tta,
  });
  encoder.loadSeconds = pool.loadSeconds;
  encoder.threads = threads;
  return encoder;
}
