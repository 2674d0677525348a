import { UsageError } from '../../errors.js';
import { requirePackages } from '../packages.js';
import { loadSharp } from './decode.js';
import { FACE_API_PACKAGE, FACE_DIMENSION, FACE_INPUT_SIZE } from './face-model.js';
import { checkBatchSize, PipelinedImageEncoder } from './pipeline.js';
import { resolvePreprocess } from './preprocess.js';
import { TfjsWorkerPool } from './tfjs-pool.js';

/** Options of the `face-api` encoder. */
export interface FaceEncoderOptions {
  /** Faces detected with a lower score are ignored; an image without a face is a per-item error. Default 0.5. */
  minConfidence?: number;
  /** Inference worker threads. Default 1 (each holds ~13 MB of weights). */
  threads?: number;
  /** Images per worker message. Default 4. */
  batchSize?: number;
  maxInputPixels?: number;
  /** Unit-normalise the descriptors (default false: face-api's own descriptors, compared by Euclidean distance, same person < 0.6). */
  normalize?: boolean;
}

const KNOWN = new Set(['minConfidence', 'threads', 'batchSize', 'maxInputPixels', 'normalize']);

/**
 * The `face-api` encoder: the 128-d descriptor of the most confident face in each image
 * (@vladmandic/face-api: SSD MobileNet v1 detector, 68-point landmarks for alignment, ResNet-34
 * recognition net; weights bundled in the package). Images are scaled to fit 512×512 (padded).
 * An image without a detectable face gets a per-item error `no face found`.
 */
export async function loadFaceEncoder(options: FaceEncoderOptions = {}): Promise<PipelinedImageEncoder> {
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new UsageError(`unknown option '${key}' of the face-api encoder (known: ${[...KNOWN].join(', ')})`);
  }
  const minConfidence = options.minConfidence ?? 0.5;
  if (typeof minConfidence !== 'number' || !(minConfidence > 0 && minConfidence < 1))
    throw new UsageError(`minConfidence must be in (0, 1), got ${String(minConfidence)}`);
  const threads = options.threads ?? 1;
  if (!Number.isSafeInteger(threads) || threads < 1 || threads > 64)
    throw new UsageError(`threads must be an integer in 1 .. 64, got ${String(threads)}`);
  requirePackages('face-api', ['sharp', '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', FACE_API_PACKAGE]);
  const preprocess = resolvePreprocess({
    width: FACE_INPUT_SIZE,
    height: FACE_INPUT_SIZE,
    resize: 'contain',
    background: { r: 0, g: 0, b: 0 },
    normalization: 'raw',
    layout: 'nhwc',
    maxInputPixels: options.maxInputPixels,
  });
  await loadSharp();
  const pool = await TfjsWorkerPool.start('face-api', threads, { minConfidence });
  return new PipelinedImageEncoder({
    name: 'face-api',
    dimension: FACE_DIMENSION,
    preprocess,
    runner: pool,
    batchSize: checkBatchSize(options.batchSize ?? 4),
    normalize: options.normalize ?? false,
    cacheIdentity: `face-api 1.7.15 minConfidence=${minConfidence}`,
  });
}
