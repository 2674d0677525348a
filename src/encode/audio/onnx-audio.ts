import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { logMelPatches, vggishLogMel, type FrontEndModel } from '../../audio/vggish.js';
import { EmbedkitError, FileFormatError, UsageError } from '../../errors.js';
import { createOnnxSession } from '../onnx-session.js';
import { yieldToEventLoop } from '../../kernels/yield.js';
import { BatchEncoder } from '../base.js';
import type { BatchOutput } from '../batch.js';
import { commonJsExports } from '../image/errors.js';
import { importOptional } from '../packages.js';
import type { Modality } from '../types.js';
import { audioCacheKey, loadClip, type AudioInput } from './inputs.js';
import { applyPostprocess, readPcaParams, type PcaParams } from './vggish-postprocess.js';

type Ort = typeof import('onnxruntime-node');

/** How the patch embeddings of a clip become one vector. */
export type PatchPooling = 'mean' | 'max';

/** Options of the `vggish-onnx` and `yamnet-onnx` encoders. */
export interface OnnxAudioEncoderOptions {
  /** The `.onnx` file (required): a VGGish/YAMNet export taking log-mel patches. */
  path: string;
  /** Default: the model's first input. Shapes accepted: [N, 1, 96, 64], [N, 96, 64, 1], [N, 96, 64]. */
  inputName?: string;
  /** Default: an output named `embedding(s)`, else the model's first output. */
  outputName?: string;
  /** Default `mean`. */
  pooling?: PatchPooling;
  /**
   * VGGish only: the published PCA parameters as JSON `{ "pca_eigen_vectors": 128×128, "pca_means": 128 }`
   * (converted once from vggish_pca_params.npz). Applied to each patch embedding before pooling.
   */
  pcaParams?: string;
  /** VGGish only, with pcaParams: clip to [−2, 2] and quantise to 8 bits as published (then map back to floats). Default false. */
  quantize?: boolean;
  /** Longer clips are cut to this many seconds. Default 600. */
  maxSeconds?: number;
  /** onnxruntime intra-op threads. Default: the number of cores. */
  threads?: number;
  /** Clips per batch. Default 8. */
  batchSize?: number;
  normalize?: boolean;
}

const KNOWN = ['path', 'inputName', 'outputName', 'pooling', 'pcaParams', 'quantize', 'maxSeconds', 'threads', 'batchSize', 'normalize'];

/** Where the patch's 96 × 64 values go in the model input. */
type PatchLayout = 'n1hw' | 'nhw1' | 'nhw';

function layoutOf(shape: readonly (number | string)[] | undefined, file: string, inputName: string): PatchLayout {
  const dims = (shape ?? []).map((d) => (typeof d === 'number' && d > 0 ? d : undefined));
  const is = (want: (number | undefined)[]): boolean =>
    dims.length === want.length && want.every((w, i) => w === undefined || dims[i] === undefined || dims[i] === w);
  if (is([undefined, 1, 96, 64])) return 'n1hw';
  if (is([undefined, 96, 64, 1])) return 'nhw1';
  if (is([undefined, 96, 64])) return 'nhw';
  throw new FileFormatError(
    file,
    `input '${inputName}' has shape [${(shape ?? []).join(', ')}]; a VGGish/YAMNet model takes log-mel patches [N, 1, 96, 64], [N, 96, 64, 1] or [N, 96, 64]`,
  );
}

/**
 * A VGGish- or YAMNet-style encoder: the published log-mel front end (`vggishLogMel`, 0.96 s patches
 * every 0.96 s for VGGish, 0.48 s for YAMNet, with YAMNet's end padding) feeding a user's ONNX
 * model; the patch embeddings are pooled per clip.
 */
export class OnnxAudioEncoder extends BatchEncoder<AudioInput> {
  readonly name: string;
  readonly modality: Modality = 'audio';
  readonly dimension: number;
  readonly modelPath: string;
  private readonly run: (patches: Float32Array, count: number) => Promise<Float32Array>;
  private readonly model: FrontEndModel;
  private readonly identity: string;
  private readonly pooling: PatchPooling;
  private readonly maxSeconds: number;
  private readonly session: InferenceSession;

  constructor(init: {
    name: string;
    model: FrontEndModel;
    dimension: number;
    modelPath: string;
    session: InferenceSession;
    run: (patches: Float32Array, count: number) => Promise<Float32Array>;
    identity: string;
    pooling: PatchPooling;
    maxSeconds: number;
    batchSize: number;
    normalize: boolean;
  }) {
    super();
    this.name = init.name;
    this.model = init.model;
    this.dimension = init.dimension;
    this.modelPath = init.modelPath;
    this.session = init.session;
    this.run = init.run;
    this.identity = init.identity;
    this.pooling = init.pooling;
    this.maxSeconds = init.maxSeconds;
    this.defaultBatchSize = init.batchSize;
    this.defaultNormalize = init.normalize;
  }

  /** The log-mel patches of one clip (16 kHz mono samples), `count × 96 × 64`. */
  patchesOf(samples: Float32Array): { count: number; data: Float32Array } {
    return logMelPatches(vggishLogMel(this.model === 'yamnet' ? yamnetPad(samples) : samples, this.model), this.model);
  }

  protected async encodeBatch(batch: readonly AudioInput[], signal: AbortSignal | undefined): Promise<BatchOutput> {
    const dim = this.dimension;
    const data = new Float32Array(batch.length * dim);
    const errors: { index: number; message: string }[] = [];
    for (let i = 0; i < batch.length; i++) {
      await yieldToEventLoop(signal);
      let patches: { count: number; data: Float32Array };
      try {
        const clip = await loadClip(batch[i], 16000, this.maxSeconds, signal);
        patches = this.patchesOf(clip.samples);
      } catch (error) {
        if ((error as Error).name === 'AbortError') throw error;
        errors.push({ index: i, message: (error as Error).message });
        continue;
      }
      // Long clips: run the model on at most 64 patches at a time (bounded memory).
      const row = data.subarray(i * dim, (i + 1) * dim);
      if (this.pooling === 'max') row.fill(-Infinity);
      const size = 96 * 64;
      for (let p = 0; p < patches.count; p += 64) {
        const n = Math.min(64, patches.count - p);
        const out = await this.run(patches.data.subarray(p * size, (p + n) * size), n);
        for (let k = 0; k < n; k++)
          for (let d = 0; d < dim; d++) {
            const v = out[k * dim + d];
            if (this.pooling === 'max') row[d] = Math.max(row[d], v);
            else row[d] += v / patches.count;
          }
      }
    }
    return { data, errors };
  }

  protected cacheIdentity(): string {
    return this.identity;
  }

  protected override cacheKeyOf(input: AudioInput): Promise<Uint8Array | undefined> {
    return audioCacheKey(input);
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}

/**
 * YAMNet's `pad_waveform` (research/audioset/yamnet/features.py): zero-pad to at least one patch
 * (0.96 + 0.025 − 0.010 s) and then to a whole number of patch hops (0.48 s).
 */
export function yamnetPad(samples: Float32Array): Float32Array {
  const minSamples = Math.trunc((0.96 + 0.025 - 0.01) * 16000);
  const hop = Math.trunc(0.48 * 16000);
  const n = Math.max(samples.length, minSamples);
  const after = n - minSamples;
  const padded = n + Math.ceil(after / hop) * hop - after;
  if (padded === samples.length) return samples;
  const out = new Float32Array(padded);
  out.set(samples);
  return out;
}

/** Loads `vggish-onnx` (model 'vggish') or `yamnet-onnx` (model 'yamnet') over a user's ONNX file. */
export async function loadOnnxAudioEncoder(model: FrontEndModel, options: OnnxAudioEncoderOptions): Promise<OnnxAudioEncoder> {
  const entry = `${model}-onnx`;
  if (typeof options !== 'object' || options === null || typeof options.path !== 'string' || options.path === '')
    throw new UsageError(`the ${entry} encoder needs the option \`path\` (an .onnx model file)`);
  for (const key of Object.keys(options))
    if (!KNOWN.includes(key)) throw new UsageError(`unknown option '${key}' of the ${entry} encoder (known: ${KNOWN.join(', ')})`);
  const pooling = options.pooling ?? 'mean';
  if (pooling !== 'mean' && pooling !== 'max') throw new UsageError(`pooling must be 'mean' or 'max', got ${JSON.stringify(pooling)}`);
  if (model !== 'vggish' && (options.pcaParams !== undefined || options.quantize))
    throw new UsageError('pcaParams and quantize are VGGish postprocessing: only for vggish-onnx');
  if (options.quantize && options.pcaParams === undefined)
    throw new UsageError('quantize needs pcaParams (VGGish quantises the PCA-whitened embedding)');
  const maxSeconds = options.maxSeconds ?? 600;
  if (!(maxSeconds > 0)) throw new UsageError(`maxSeconds must be positive, got ${String(maxSeconds)}`);
  const threads = options.threads ?? Math.max(1, availableParallelism());
  if (!Number.isSafeInteger(threads) || threads < 1 || threads > 256)
    throw new UsageError(`threads must be an integer in 1 .. 256, got ${String(threads)}`);
  const batchSize = options.batchSize ?? 8;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1)
    throw new UsageError(`batchSize must be a positive integer, got ${String(batchSize)}`);
  const file = path.resolve(options.path);
  const pca: PcaParams | undefined = options.pcaParams !== undefined ? await readPcaParams(options.pcaParams) : undefined;
  const ort = commonJsExports<Ort>(await importOptional<Ort>(entry, 'onnxruntime-node'));
  const session = await createOnnxSession(ort, file, threads);
  try {
    const inputName = options.inputName ?? session.inputNames[0];
    if (!session.inputNames.includes(inputName))
      throw new FileFormatError(file, `the model has no input '${inputName}' (inputs: ${session.inputNames.join(', ')})`);
    const outputName = options.outputName ?? session.outputNames.find((n) => /^embeddings?$/i.test(n)) ?? session.outputNames[0];
    if (!session.outputNames.includes(outputName))
      throw new FileFormatError(file, `the model has no output '${outputName}' (outputs: ${session.outputNames.join(', ')})`);
    const meta = session.inputMetadata.find((m) => m.name === inputName);
    const layout = layoutOf(meta && meta.isTensor ? meta.shape : undefined, file, inputName);
    const shapeOf = (n: number): number[] => (layout === 'n1hw' ? [n, 1, 96, 64] : layout === 'nhw1' ? [n, 96, 64, 1] : [n, 96, 64]);
    const infer = async (patches: Float32Array, n: number): Promise<{ data: Float32Array; dims: number[] }> => {
      const feeds: Record<string, Tensor> = { [inputName]: new ort.Tensor('float32', patches, shapeOf(n)) };
      const out = await session.run(feeds, [outputName]);
      const y = out[outputName];
      if (!y || y.type !== 'float32')
        throw new EmbedkitError(`${file}: output '${outputName}' is ${y ? y.type : 'missing'}, expected float32`);
      const dims = [...y.dims];
      if (dims[0] !== n || dims.length !== 2)
        throw new EmbedkitError(`${file}: output '${outputName}' has shape [${dims.join(', ')}] for ${n} patches; expected [${n}, D]`);
      return { data: y.data as Float32Array, dims };
    };
    let probe: { dims: number[] };
    try {
      probe = await infer(new Float32Array(96 * 64), 1);
    } catch (error) {
      throw error instanceof EmbedkitError
        ? error
        : new FileFormatError(file, `running the model on one log-mel patch failed: ${String((error as Error).message).split('\n')[0]}`);
    }
    const dimension = probe.dims[1];
    if (pca && pca.dim !== dimension)
      throw new UsageError(`${options.pcaParams}: PCA parameters are ${pca.dim}-d, the model gives ${dimension}-d embeddings`);
    const quantize = options.quantize ?? false;
    const run = async (patches: Float32Array, n: number): Promise<Float32Array> => {
      const { data } = await infer(patches, n);
      return pca ? applyPostprocess(data, n, pca, quantize) : data;
    };
    const fingerprint = createHash('sha256')
      .update(await readFile(file))
      .digest('hex');
    const pcaFingerprint =
      options.pcaParams !== undefined
        ? createHash('sha256')
            .update(await readFile(options.pcaParams))
            .digest('hex')
        : null;
    return new OnnxAudioEncoder({
      name: entry,
      model,
      dimension,
      modelPath: file,
      session,
      run,
      identity: JSON.stringify({ entry, v: 1, model: fingerprint, inputName, outputName, pooling, pca: pcaFingerprint, quantize }),
      pooling,
      maxSeconds,
      batchSize,
      normalize: options.normalize ?? true,
    });
  } catch (error) {
    await session.release();
    throw error;
  }
}
