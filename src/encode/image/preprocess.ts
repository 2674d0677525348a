import { UsageError } from '../../errors.js';
import type { EmbedError } from '../types.js';
import { describeFailure, inputLabel, loadSharp, openImage } from './decode.js';
import { cropOrigins, cropWindow, flipHorizontal, viewsPerImage, type TtaSpec } from './augment.js';
import { ImageInputError } from './errors.js';
import {
  DEFAULT_MAX_INPUT_PIXELS,
  type ImageInput,
  type Layout,
  type Normalization,
  type PreprocessOptions,
  type ResizeMode,
} from './types.js';

/** {@link PreprocessOptions} with every default filled in and checked. */
export interface PreprocessSpec {
  width: number;
  height: number;
  resize: ResizeMode;
  centerCropFraction: number;
  normalization: Normalization;
  layout: Layout;
  channelOrder: 'rgb' | 'bgr';
  background: { r: number; g: number; b: number };
  maxInputPixels: number;
}

/** ImageNet channel means and standard deviations in [0, 1] units (torchvision's values). */
export const IMAGENET_MEAN = [0.485, 0.456, 0.406] as const;
export const IMAGENET_STD = [0.229, 0.224, 0.225] as const;
/** OpenAI CLIP's image channel means and standard deviations (its preprocessing `Normalize`). */
export const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073] as const;
export const CLIP_STD = [0.26862954, 0.26130258, 0.27577711] as const;

/** Named normalisations: `imagenet` (torchvision) and `clip` mean/std, plus the plain mappings. */
export type NormalizationPreset = 'imagenet' | 'clip';

/** Resolves a preset name to its {mean, std}; other values are returned as they are. */
export function normalizationOf(v: Normalization | NormalizationPreset): Normalization {
  if (v === 'imagenet') return { mean: IMAGENET_MEAN, std: IMAGENET_STD };
  if (v === 'clip') return { mean: CLIP_MEAN, std: CLIP_STD };
  return v;
}

const RESIZE_MODES: readonly ResizeMode[] = ['cover', 'contain', 'fill'];

function checkTriple(name: string, v: unknown, positive: boolean): readonly number[] {
  if (!Array.isArray(v) || v.length !== 3 || !v.every((x) => typeof x === 'number' && Number.isFinite(x) && (!positive || x > 0))) {
    throw new UsageError(
      `normalization.${name} must be 3 finite numbers${positive ? ' > 0' : ''} (R, G, B in [0, 1] units), got ${JSON.stringify(v)}`,
    );
  }
  return v as readonly number[];
}

/** Fills defaults and validates (UsageError). */
export function resolvePreprocess(o: PreprocessOptions): PreprocessSpec {
  const size = (name: string, v: unknown) => {
    if (!Number.isSafeInteger(v) || (v as number) < 1 || (v as number) > 16384)
      throw new UsageError(`${name} must be an integer in 1 .. 16384, got ${String(v)}`);
    return v as number;
  };
  const resize = o.resize ?? 'cover';
  if (!RESIZE_MODES.includes(resize))
    throw new UsageError(`resize must be one of ${RESIZE_MODES.join(', ')}, got ${JSON.stringify(resize)}`);
  const f = o.centerCropFraction ?? 1;
  if (typeof f !== 'number' || !(f > 0 && f <= 1)) throw new UsageError(`centerCropFraction must be in (0, 1], got ${String(f)}`);
  const normalization = o.normalization ?? 'unit';
  if (typeof normalization === 'object' && normalization !== null) {
    checkTriple('mean', normalization.mean, false);
    checkTriple('std', normalization.std, true);
  } else if (!['unit', 'symmetric', 'raw'].includes(normalization as string)) {
    throw new UsageError(`normalization must be 'unit', 'symmetric', 'raw' or {mean, std}, got ${JSON.stringify(normalization)}`);
  }
  const layout = o.layout ?? 'nhwc';
  if (layout !== 'nhwc' && layout !== 'nchw') throw new UsageError(`layout must be 'nhwc' or 'nchw', got ${JSON.stringify(layout)}`);
  const channelOrder = o.channelOrder ?? 'rgb';
  if (channelOrder !== 'rgb' && channelOrder !== 'bgr')
    throw new UsageError(`channelOrder must be 'rgb' or 'bgr', got ${JSON.stringify(channelOrder)}`);
  const background = o.background ?? { r: 255, g: 255, b: 255 };
  for (const c of ['r', 'g', 'b'] as const) {
    const v = background[c];
    if (!Number.isInteger(v) || v < 0 || v > 255) throw new UsageError(`background.${c} must be an integer in 0 .. 255, got ${String(v)}`);
  }
  const maxInputPixels = o.maxInputPixels ?? DEFAULT_MAX_INPUT_PIXELS;
  if (!Number.isSafeInteger(maxInputPixels) || maxInputPixels < 0)
    throw new UsageError(`maxInputPixels must be a non-negative integer (0 = no limit), got ${String(maxInputPixels)}`);
  return {
    width: size('width', o.width),
    height: size('height', o.height),
    resize,
    centerCropFraction: f,
    normalization,
    layout,
    channelOrder,
    background,
    maxInputPixels,
  };
}

/** Values per preprocessed image: width × height × 3. */
export function valuesPerImage(spec: PreprocessSpec): number {
  return spec.width * spec.height * 3;
}

/** Per channel, the float value of each byte 0..255 (computed in float64, rounded once to float32). */
function lookupTables(normalization: Normalization): Float32Array[] {
  return [0, 1, 2].map((c) => {
    const t = new Float32Array(256);
    for (let v = 0; v < 256; v++) {
      if (normalization === 'unit') t[v] = v / 255;
      else if (normalization === 'symmetric') t[v] = v / 127.5 - 1;
      else if (normalization === 'raw') t[v] = v;
      else t[v] = (v / 255 - normalization.mean[c]) / normalization.std[c];
    }
    return t;
  });
}

const tableCache = new WeakMap<object, Float32Array[]>();
const namedTables = new Map<string, Float32Array[]>();

function tablesFor(normalization: Normalization): Float32Array[] {
  if (typeof normalization === 'string') {
    let t = namedTables.get(normalization);
    if (!t) namedTables.set(normalization, (t = lookupTables(normalization)));
    return t;
  }
  let t = tableCache.get(normalization);
  if (!t) tableCache.set(normalization, (t = lookupTables(normalization)));
  return t;
}

/**
 * Writes RGB bytes (HWC, `spec.width × spec.height`) into `out` at `offset` as normalised floats in
 * the spec's layout and channel order.
 */
export function pixelsToTensor(rgb: Uint8Array, spec: PreprocessSpec, out: Float32Array, offset = 0): void {
  const pixels = spec.width * spec.height;
  if (rgb.length !== pixels * 3) throw new UsageError(`expected ${pixels * 3} RGB bytes, got ${rgb.length}`);
  if (offset < 0 || offset + pixels * 3 > out.length) throw new UsageError('output array too small');
  const [t0, t1, t2] = tablesFor(spec.normalization);
  const bgr = spec.channelOrder === 'bgr';
  if (spec.layout === 'nhwc') {
    for (let p = 0, o = offset; p < pixels * 3; p += 3, o += 3) {
      const r = t0[rgb[p]];
      const g = t1[rgb[p + 1]];
      const b = t2[rgb[p + 2]];
      out[o] = bgr ? b : r;
      out[o + 1] = g;
      out[o + 2] = bgr ? r : b;
    }
  } else {
    const rPlane = offset + (bgr ? 2 : 0) * pixels;
    const gPlane = offset + pixels;
    const bPlane = offset + (bgr ? 0 : 2) * pixels;
    for (let p = 0, q = 0; p < pixels; p++, q += 3) {
      out[rPlane + p] = t0[rgb[q]];
      out[gPlane + p] = t1[rgb[q + 1]];
      out[bPlane + p] = t2[rgb[q + 2]];
    }
  }
}

export type SharpFactory = Awaited<ReturnType<typeof loadSharp>>;

/** Decodes and resizes one input to `spec.width × spec.height` RGB bytes (HWC). */
async function resizedPixels(sharp: SharpFactory, input: ImageInput, label: string, spec: PreprocessSpec): Promise<Uint8Array> {
  const { width: W, height: H, centerCropFraction: f } = spec;
  const bg = spec.background;
  try {
    let img = openImage(sharp, input, label, spec.maxInputPixels).flatten({ background: bg }).toColourspace('srgb');
    // Resize to the box enlarged by 1/f, then keep its centre W×H (f = 1: the box itself).
    const rw = f === 1 ? W : Math.max(W, Math.round(W / f));
    const rh = f === 1 ? H : Math.max(H, Math.round(H / f));
    img = img.resize(rw, rh, { fit: spec.resize, position: 'centre', background: bg });
    if (rw !== W || rh !== H) img = img.extract({ left: Math.floor((rw - W) / 2), top: Math.floor((rh - H) / 2), width: W, height: H });
    const { data, info } = await img.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    if (info.channels !== 3 || info.width !== W || info.height !== H) {
      throw new ImageInputError(label, `decoded to ${info.width}×${info.height}×${info.channels} instead of ${W}×${H}×3`);
    }
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw await describeFailure(sharp, input, label, error, spec.maxInputPixels);
  }
}

/**
 * The test-time augmentation views of one input (RGB bytes, HWC, `spec.width × spec.height` each):
 * the whole image as without augmentation, then the crops (taken from the image resized to
 * `size / cropFraction`), each followed by its mirror image when `tta.flip`.
 */
async function augmentedPixels(
  sharp: SharpFactory,
  input: ImageInput,
  label: string,
  spec: PreprocessSpec,
  tta: TtaSpec,
): Promise<Uint8Array[]> {
  const { width: W, height: H } = spec;
  const bases = [await resizedPixels(sharp, input, label, spec)];
  if (tta.crops > 0) {
    const bw = Math.max(W + 1, Math.round(W / tta.cropFraction));
    const bh = Math.max(H + 1, Math.round(H / tta.cropFraction));
    const big = await resizedPixels(sharp, input, label, { ...spec, width: bw, height: bh, centerCropFraction: 1 });
    for (const [left, top] of cropOrigins(tta.crops === 5 ? 5 : 1, bw, bh, W, H)) bases.push(cropWindow(big, bw, left, top, W, H));
  }
  return tta.flip ? bases.flatMap((b) => [b, flipHorizontal(b, W, H)]) : bases;
}

/**
 * One input as the model's input row: decoded (EXIF orientation applied, first frame, transparency
 * flattened on the background), resized, normalised, in the spec's layout. Written into `out` at
 * `offset` when given, else into a new array. ImageInputError naming the input when it cannot be used.
 */
export async function preprocessImage(
  input: ImageInput,
  options: PreprocessOptions | PreprocessSpec,
  out?: Float32Array,
  offset = 0,
): Promise<Float32Array> {
  const spec = resolvePreprocess(options);
  const sharp = await loadSharp();
  const target = out ?? new Float32Array(valuesPerImage(spec));
  pixelsToTensor(await resizedPixels(sharp, input, inputLabel(input, 0), spec), spec, target, offset);
  return target;
}

/** Output of {@link preprocessBatch}. */
export interface PreprocessedBatch {
  /** `count × views × width × height × 3` floats; the rows of failed inputs are zeros. */
  data: Float32Array;
  count: number;
  /** Model rows per input (test-time augmentation views; 1 without). */
  views: number;
  /** Per input: decoded successfully. */
  ok: boolean[];
  /** Per input: how error messages name it (its path, or `input N (…)`). */
  labels: string[];
  /** One entry per failed input; `index` is the input's index (see `startPreprocessBatch`). */
  errors: EmbedError[];
}

/**
 * Preprocesses `inputs` concurrently (sharp decodes on libuv's thread pool). Per-item failures are
 * reported in `errors`, never thrown; UsageError (bad options) is thrown.
 */
export async function preprocessBatch(
  inputs: readonly ImageInput[],
  options: PreprocessOptions | PreprocessSpec,
  firstIndex = 0,
): Promise<PreprocessedBatch> {
  const spec = resolvePreprocess(options);
  return startPreprocessBatch(await loadSharp(), inputs, spec, firstIndex);
}

/**
 * {@link preprocessBatch} with sharp already loaded: every decode is queued on libuv's thread pool
 * before this returns, so they proceed while the caller keeps its thread busy (e.g. running a model).
 * The index of `inputs[i]` (in errors and labels) is `indices[i]` when given, else `firstIndex + i`.
 */
export function startPreprocessBatch(
  sharp: SharpFactory,
  inputs: readonly ImageInput[],
  spec: PreprocessSpec,
  firstIndex = 0,
  indices?: readonly number[],
  tta: TtaSpec | null = null,
): Promise<PreprocessedBatch> {
  const per = valuesPerImage(spec);
  const views = viewsPerImage(tta);
  const data = new Float32Array(inputs.length * views * per);
  const ok = new Array<boolean>(inputs.length).fill(false);
  const labels = inputs.map((input, i) => inputLabel(input, indices ? indices[i] : firstIndex + i));
  const errors: EmbedError[] = [];
  const jobs = inputs.map(async (input, i) => {
    const index = indices ? indices[i] : firstIndex + i;
    try {
      if (tta) {
        const all = await augmentedPixels(sharp, input, labels[i], spec, tta);
        all.forEach((pixels, v) => pixelsToTensor(pixels, spec, data, (i * views + v) * per));
      } else pixelsToTensor(await resizedPixels(sharp, input, labels[i], spec), spec, data, i * per);
      ok[i] = true;
    } catch (error) {
      if (!(error instanceof ImageInputError)) throw error;
      errors.push({ index, message: error.message });
    }
  });
  return Promise.all(jobs).then(() => {
    errors.sort((a, b) => a.index - b.index);
    return { data, count: inputs.length, views, ok, labels, errors };
  });
}
