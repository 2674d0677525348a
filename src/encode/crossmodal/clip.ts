import { availableParallelism } from 'node:os';
import { FileFormatError, UsageError } from '../../errors.js';
import type { OnnxImageEncoder } from '../image/onnx-encoder.js';
import type { Normalization, ResizeMode } from '../image/types.js';
import { requirePackages } from '../packages.js';
import type { EmbedOptions, Embeddings } from '../types.js';
import { ClipTextEncoder } from './clip-text.js';
import { embedMixed, type MixedInput } from './mixed.js';
import { locateClipFiles, readJsonFile, type ClipFileOptions, type ClipFiles } from './clip-files.js';
import { loadOrt, openSession } from './ort-session.js';

/** Options of {@link loadClip}. */
export interface ClipOptions extends ClipFileOptions {
  /** onnxruntime intra-op threads per tower. Default: the number of cores. */
  threads?: number;
  /** Longest token sequence. Default: from tokenizer_config.json / config.json, else 77. */
  maxLength?: number;
  /** Default batch sizes of `embed`. Defaults 32 (text), 8 (images). */
  textBatchSize?: number;
  imageBatchSize?: number;
  /** Unit-normalise the vectors (default true: CLIP compares by cosine). */
  normalize?: boolean;
  /** How images are fitted to the model's square input. Default `cover` (resize the short side, centre crop: CLIP's). */
  resize?: ResizeMode;
  /** Larger images are refused per item. Default 40,000,000 pixels. */
  maxInputPixels?: number;
}

/** The two towers of a CLIP model: text and images embedded into one space (compare by cosine). */
export interface ClipModel {
  dir: string;
  text: ClipTextEncoder;
  image: OnnxImageEncoder;
  /** Dimension of the shared space. */
  dimension: number;
  /** Texts (strings) and images (bytes, pixels, or {@link imageFile}) in one call, rows in input order. */
  embed(inputs: readonly MixedInput[], options?: EmbedOptions): Promise<Embeddings>;
  dispose(): Promise<void>;
}

/** Image preprocessing from preprocessor_config.json (CLIPImageProcessor fields), CLIP's defaults otherwise. */
export async function clipImagePreprocessing(
  files: ClipFiles,
): Promise<{ size?: number; centerCropFraction: number; normalization: Normalization }> {
  const p = await readJsonFile(files.preprocessorConfig);
  const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined);
  const sizeOf = (v: unknown): number | undefined => {
    if (typeof v === 'object' && v !== null) {
      const o = v as Record<string, unknown>;
      return num(o.height) ?? num(o.shortest_edge) ?? num(o.width);
    }
    return num(v);
  };
  const crop = p.do_center_crop === false ? undefined : sizeOf(p.crop_size);
  const resize = sizeOf(p.size);
  const size = crop ?? resize;
  const centerCropFraction = crop !== undefined && resize !== undefined && crop <= resize ? crop / resize : 1;
  const mean = Array.isArray(p.image_mean) ? (p.image_mean as number[]) : [0.48145466, 0.4578275, 0.40821073];
  const std = Array.isArray(p.image_std) ? (p.image_std as number[]) : [0.26862954, 0.26130258, 0.27577711];
  if (mean.length !== 3 || std.length !== 3)
    throw new FileFormatError(files.preprocessorConfig ?? files.dir, 'image_mean and image_std must have 3 values (R, G, B)');
  return {
    size: size === undefined ? undefined : Math.round(size),
    centerCropFraction,
    normalization: p.do_normalize === false ? 'unit' : { mean, std },
  };
}

function threadsOf(options: ClipOptions): number {
  const t = options.threads ?? Math.max(1, availableParallelism());
  if (!Number.isSafeInteger(t) || t < 1 || t > 256) throw new UsageError(`threads must be an integer in 1 .. 256, got ${String(t)}`);
  return t;
}

async function openText(files: ClipFiles, options: ClipOptions): Promise<ClipTextEncoder> {
  const ort = await loadOrt('clip-text');
  const { session, bytes } = await openSession(ort, files.textModel, threadsOf(options));
  try {
    return await ClipTextEncoder.open(ort, session, bytes, files, {
      ...(options.maxLength !== undefined ? { maxLength: options.maxLength } : {}),
      ...(options.textBatchSize !== undefined ? { batchSize: options.textBatchSize } : {}),
      ...(options.normalize !== undefined ? { normalize: options.normalize } : {}),
    });
  } catch (error) {
    await session.release();
    throw error;
  }
}

async function openImage(files: ClipFiles, options: ClipOptions): Promise<OnnxImageEncoder> {
  const { loadOnnxImageEncoder } = await import('../image/onnx-encoder.js');
  const pre = await clipImagePreprocessing(files);
  return loadOnnxImageEncoder({
    path: files.visionModel,
    name: 'clip-image',
    ...(pre.size !== undefined ? { size: pre.size } : {}),
    centerCropFraction: pre.centerCropFraction,
    normalization: pre.normalization,
    layout: 'nchw',
    resize: options.resize ?? 'cover',
    // The first output: `image_embeds` [N, D] of CLIPVisionModelWithProjection exports (taken as it
    // is), or `last_hidden_state` [N, T, D] of a plain vision model (its class token).
    pooling: 'cls',
    threads: threadsOf(options),
    batchSize: options.imageBatchSize ?? 8,
    ...(options.normalize !== undefined ? { normalize: options.normalize } : {}),
    ...(options.maxInputPixels !== undefined ? { maxInputPixels: options.maxInputPixels } : {}),
  });
}

/** The CLIP text tower of the folder `dir` (see {@link loadClip}). */
export async function loadClipTextEncoder(dir: string, options: ClipOptions = {}): Promise<ClipTextEncoder> {
  requirePackages('clip-text', ['onnxruntime-node', '@huggingface/transformers']);
  return openText(await locateClipFiles(dir, { text: true, vision: false }, options), options);
}

/** The CLIP vision tower of the folder `dir` (see {@link loadClip}). */
export async function loadClipImageEncoder(dir: string, options: ClipOptions = {}): Promise<OnnxImageEncoder> {
  return openImage(await locateClipFiles(dir, { text: false, vision: true }, options), options);
}

/**
 * Loads a CLIP model (Radford et al. 2021) from a local folder in the transformers.js / Xenova
 * layout — `onnx/text_model.onnx` (CLIPTextModelWithProjection: input_ids, attention_mask →
 * text_embeds), `onnx/vision_model.onnx` (CLIPVisionModelWithProjection: pixel_values →
 * image_embeds), `tokenizer.json`, `tokenizer_config.json`, `preprocessor_config.json` — and
 * returns a text and an image encoder into the same space. Nothing is downloaded. Fails with a
 * FileFormatError naming the file when a file is missing or invalid, or when the towers' output
 * dimensions differ.
 */
export async function loadClip(dir: string, options: ClipOptions = {}): Promise<ClipModel> {
  requirePackages('clip', ['onnxruntime-node', '@huggingface/transformers', 'sharp']);
  const files = await locateClipFiles(dir, { text: true, vision: true }, options);
  const text = await openText(files, options);
  let image: OnnxImageEncoder;
  try {
    image = await openImage(files, options);
  } catch (error) {
    await text.dispose();
    throw error;
  }
  if (image.dimension !== text.dimension) {
    await Promise.all([text.dispose(), image.dispose()]);
    throw new FileFormatError(
      files.dir,
      `dimension mismatch: the text tower gives ${text.dimension}-d vectors, the vision tower ${image.dimension}-d: not one shared space`,
    );
  }
  return {
    dir: files.dir,
    text,
    image,
    dimension: text.dimension,
    embed: (inputs, options) => embedMixed(text, image, inputs, options),
    dispose: async () => {
      await Promise.all([text.dispose(), image.dispose()]);
    },
  };
}
