import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { Tensor } from 'onnxruntime-node';
import { EmbedkitError, FileFormatError, UsageError } from '../../errors.js';
import { createOnnxSession } from '../onnx-session.js';
import { loadSharp } from './decode.js';
import { importOptional, requirePackages } from '../packages.js';
import { commonJsExports } from './errors.js';
import { pooledDimension, poolOutput, type OutputLayout, type OutputPooling } from './output-pooling.js';
import { resolveTta, type TtaOption } from './augment.js';
import { checkBatchSize, PipelinedImageEncoder, type BatchRunner } from './pipeline.js';
import { normalizationOf, resolvePreprocess, type NormalizationPreset } from './preprocess.js';
import type { Layout, Normalization, ResizeMode } from './types.js';

type Ort = typeof import('onnxruntime-node');

/** Options of the `onnx-image` encoder. */
export interface OnnxImageEncoderOptions {
  /** The `.onnx` file (required). */
  path: string;
  /** Square input side; default: from the model's input shape when it is fixed, else 224. */
  size?: number;
  /** Input width/height when not square (override `size`). */
  width?: number;
  height?: number;
  /** Default `cover` (centre crop). */
  resize?: ResizeMode;
  /** Resize to size / f, then crop the centre (ImageNet evaluation: 0.875). Default 1. */
  centerCropFraction?: number;
  /** Default `imagenet` (torchvision mean/std); `clip` for CLIP vision towers; `unit` = x/255. */
  normalization?: Normalization | NormalizationPreset;
  /** Input tensor layout; default: detected from the input shape (channel axis of size 3), else `nchw`. */
  layout?: Layout;
  /** Default `rgb`. */
  channelOrder?: 'rgb' | 'bgr';
  /** Default: the model's first input. */
  inputName?: string;
  /** Default: the model's first output (e.g. `image_embeds`, `pooler_output`). */
  outputName?: string;
  /** For outputs with more than one vector per image (spatial maps, tokens). Default `mean`. */
  pooling?: OutputPooling;
  /** Layout of a rank-4 output; default: the input layout. */
  outputLayout?: OutputLayout;
  /** Expected vector size: loading fails with a clear error if the model gives another. */
  dimension?: number;
  /** onnxruntime intra-op threads. Default: the number of cores. */
  threads?: number;
  /** Default 8. */
  batchSize?: number;
  maxInputPixels?: number;
  /** Unit-normalise the vectors (default true). */
  normalize?: boolean;
  /** Encoder name in messages and the cache (default `onnx-image:<file name>`). */
  name?: string;
  /** Test-time augmentation (flip / multi-crop views, pooled). Default 'none'. */
  tta?: TtaOption;
}

const KNOWN = new Set([
  'path',
  'tta',
  'size',
  'width',
  'height',
  'resize',
  'centerCropFraction',
  'normalization',
  'layout',
  'channelOrder',
  'inputName',
  'outputName',
  'pooling',
  'outputLayout',
  'dimension',
  'threads',
  'batchSize',
  'maxInputPixels',
  'normalize',
  'name',
]);
const POOLINGS: readonly OutputPooling[] = ['mean', 'max', 'cls', 'none'];

/** An image encoder running an ONNX model file with onnxruntime-node. */
export class OnnxImageEncoder extends PipelinedImageEncoder {
  /** The model file. */
  modelPath = '';
  inputName = '';
  outputName = '';
}

function checkInt(name: string, v: unknown, max: number): number {
  if (!Number.isSafeInteger(v) || (v as number) < 1 || (v as number) > max)
    throw new UsageError(`${name} must be an integer in 1 .. ${max}, got ${String(v)}`);
  return v as number;
}

function checkOptions(o: OnnxImageEncoderOptions): void {
  if (typeof o !== 'object' || o === null) throw new UsageError('the onnx-image encoder needs options with a `path` to an .onnx file');
  for (const key of Object.keys(o)) {
    if (!KNOWN.has(key)) throw new UsageError(`unknown option '${key}' of the onnx-image encoder (known: ${[...KNOWN].join(', ')})`);
  }
  if (typeof o.path !== 'string' || o.path.length === 0)
    throw new UsageError('the onnx-image encoder needs the option `path` (an .onnx model file)');
  if (o.pooling !== undefined && !POOLINGS.includes(o.pooling))
    throw new UsageError(`pooling must be one of ${POOLINGS.join(', ')}, got ${JSON.stringify(o.pooling)}`);
  if (o.outputLayout !== undefined && o.outputLayout !== 'nchw' && o.outputLayout !== 'nhwc')
    throw new UsageError(`outputLayout must be 'nchw' or 'nhwc', got ${JSON.stringify(o.outputLayout)}`);
}

/** Fixed numbers of a symbolic shape (undefined for named/unknown axes). */
function fixedDims(shape: readonly (number | string)[] | undefined): (number | undefined)[] {
  return (shape ?? []).map((d) => (typeof d === 'number' && d > 0 ? d : undefined));
}

/** Layout and spatial size implied by an input shape `[N, 3, H, W]` or `[N, H, W, 3]`. */
function inputGeometry(shape: (number | undefined)[]): { layout?: Layout; height?: number; width?: number } {
  if (shape.length !== 4) return {};
  if (shape[1] === 3) return { layout: 'nchw', height: shape[2], width: shape[3] };
  if (shape[3] === 3) return { layout: 'nhwc', height: shape[1], width: shape[2] };
  return {};
}

/**
 * Loads an ONNX image model from a file (ResNet, EfficientNet, CLIP vision tower …). Preprocessing is
 * configurable (size, crop, mean/std, layout, channel order); outputs with spatial or token axes are
 * pooled. The model is run once on a blank image to learn (and check) the vector size.
 */
export async function loadOnnxImageEncoder(options: OnnxImageEncoderOptions): Promise<OnnxImageEncoder> {
  checkOptions(options);
  const file = path.resolve(options.path);
  const threads = options.threads === undefined ? Math.max(1, availableParallelism()) : checkInt('threads', options.threads, 256);
  const name = options.name ?? `onnx-image:${path.basename(file)}`;
  requirePackages(options.name ?? 'onnx-image', ['onnxruntime-node', 'sharp']);
  const ort = commonJsExports<Ort>(await importOptional<Ort>(options.name ?? 'onnx-image', 'onnxruntime-node'));
  await loadSharp();
  const session = await createOnnxSession(ort, file, threads);
  try {
    const inputName = options.inputName ?? session.inputNames[0];
    const outputName = options.outputName ?? session.outputNames[0];
    if (!session.inputNames.includes(inputName))
      throw new FileFormatError(file, `the model has no input '${inputName}' (inputs: ${session.inputNames.join(', ')})`);
    if (!session.outputNames.includes(outputName))
      throw new FileFormatError(file, `the model has no output '${outputName}' (outputs: ${session.outputNames.join(', ')})`);
    const meta = session.inputMetadata.find((m) => m.name === inputName);
    const geometry = inputGeometry(fixedDims(meta && meta.isTensor ? meta.shape : undefined));
    const layout = options.layout ?? geometry.layout ?? 'nchw';
    const size = options.size === undefined ? undefined : checkInt('size', options.size, 16384);
    const width = options.width ?? size ?? geometry.width ?? 224;
    const height = options.height ?? size ?? geometry.height ?? 224;
    if (geometry.width !== undefined && geometry.height !== undefined && (geometry.width !== width || geometry.height !== height)) {
      throw new UsageError(
        `${file}: the model's input '${inputName}' is fixed at ${geometry.width}×${geometry.height}, but ${width}×${height} was asked for`,
      );
    }
    const tta = resolveTta(options.tta);
    const preprocess = resolvePreprocess({
      width,
      height,
      resize: options.resize ?? 'cover',
      centerCropFraction: options.centerCropFraction ?? 1,
      normalization: normalizationOf(options.normalization ?? 'imagenet'),
      layout,
      channelOrder: options.channelOrder ?? 'rgb',
      maxInputPixels: options.maxInputPixels,
    });
    const pooling = options.pooling ?? 'mean';
    const outputLayout = options.outputLayout ?? layout;
    const shapeOf = (count: number) => (layout === 'nchw' ? [count, 3, height, width] : [count, height, width, 3]);

    const infer = async (batch: Float32Array, count: number): Promise<{ data: Float32Array; dims: number[] }> => {
      const feeds: Record<string, Tensor> = { [inputName]: new ort.Tensor('float32', batch, shapeOf(count)) };
      const out = await session.run(feeds, [outputName]);
      const y = out[outputName];
      if (!y || y.type !== 'float32')
        throw new EmbedkitError(`${file}: output '${outputName}' is ${y ? y.type : 'missing'}, expected float32`);
      const dims = [...y.dims];
      if (dims[0] !== count)
        throw new EmbedkitError(`${file}: output '${outputName}' has shape [${dims.join(', ')}] for a batch of ${count}`);
      return { data: y.data as Float32Array, dims };
    };

    let probe: { data: Float32Array; dims: number[] };
    try {
      probe = await infer(new Float32Array(width * height * 3), 1);
    } catch (error) {
      if (error instanceof EmbedkitError) throw error;
      throw new FileFormatError(
        file,
        `running the model on a ${width}×${height} ${layout.toUpperCase()} image failed: ${String((error as Error).message).split('\n')[0]}`,
      );
    }
    const dimension = pooledDimension(probe.dims, pooling, outputLayout);
    if (options.dimension !== undefined && options.dimension !== dimension) {
      throw new FileFormatError(
        file,
        `dimension mismatch: output '${outputName}' gives ${dimension}-d vectors (shape [${probe.dims.join(', ')}], pooling ${pooling}), expected ${options.dimension}`,
      );
    }
    const runner: BatchRunner = {
      lanes: 1,
      run: async (batch, count) => {
        const { data, dims } = await infer(batch, count);
        return poolOutput(data, dims, pooling, outputLayout);
      },
      dispose: () => session.release(),
    };
    const fingerprint = createHash('sha256')
      .update(await readFile(file))
      .digest('hex');
    const encoder = new OnnxImageEncoder({
      name,
      dimension,
      preprocess,
      runner,
      batchSize: checkBatchSize(options.batchSize ?? 8),
      normalize: options.normalize ?? true,
      cacheIdentity: JSON.stringify({ model: fingerprint, inputName, outputName, pooling, outputLayout }),
      tta,
    });
    encoder.modelPath = file;
    encoder.inputName = inputName;
    encoder.outputName = outputName;
    return encoder;
  } catch (error) {
    await session.release();
    throw error;
  }
}
