import path from 'node:path';
import { FileFormatError, UsageError } from '../../errors.js';
import { writeFileAtomic } from '../../io/core/atomic-write.js';
import type { ImageInput } from '../image/types.js';
import type { Encoder } from '../types.js';
import { loadBackbone } from './backbone.js';
import { decodeEkteHeader, encodeEkte, readEkteBytes, readEkteTensors } from './ekte-container.js';
import { shapeOf, type Activation, type DenseLayer, type LayerShape } from '../../learn/mlp.js';
import { TrainedImageEncoder, type TrainedEncoderInfo } from './trained-encoder.js';

export { TRAINED_MAGIC, TRAINED_VERSION } from './ekte-container.js';

/**
 * The `.ekte` file of a trained image encoder: the container of ekte-container.ts (magic
 * "EKTRAIN\0", version, JSON header, float32 tensors, SHA-256) with the header
 * {format, ...TrainedEncoderInfo, layers: LayerShape[]} and, per layer, its weights (outputs ×
 * inputs, row-major), then its bias (outputs) if any.
 */
const FORMAT = 'embedkit-trained-encoder';

interface FileHeader extends TrainedEncoderInfo {
  format: typeof FORMAT;
  layers: LayerShape[];
}

/** Serialises a trained encoder (header + weights + checksum) into one buffer. */
export function encodeTrainedEncoder(info: TrainedEncoderInfo, layers: readonly DenseLayer[]): Buffer {
  const header: FileHeader = { format: FORMAT, ...info, layers: layers.map(shapeOf) };
  return encodeEkte(
    header,
    layers.flatMap((l) => (l.bias ? [l.weights, l.bias] : [l.weights])),
  );
}

/** Writes a trained encoder to `file` atomically (a reader never sees a half-written file). */
export async function saveTrainedEncoder(file: string, info: TrainedEncoderInfo, layers: readonly DenseLayer[]): Promise<void> {
  if (typeof file !== 'string' || file.length === 0) throw new UsageError('save needs a file path');
  await writeFileAtomic(file, encodeTrainedEncoder(info, layers));
}

const ACTIVATIONS: readonly Activation[] = ['relu', 'none'];

function isCount(v: unknown): v is number {
  return Number.isSafeInteger(v) && (v as number) >= 1 && (v as number) <= 1 << 24;
}

function checkSpec(file: string, what: string, v: unknown): void {
  const s = v as { name?: unknown; options?: unknown; dimension?: unknown } | undefined;
  if (
    typeof s !== 'object' ||
    s === null ||
    typeof s.name !== 'string' ||
    typeof s.options !== 'object' ||
    s.options === null ||
    !isCount(s.dimension)
  ) {
    throw new FileFormatError(file, `invalid header: '${what}' must be {name, options, dimension}`);
  }
}

function checkHeader(file: string, h: FileHeader): void {
  if ((h as { kind?: unknown } | null)?.kind === 'audio-cnn')
    throw new FileFormatError(file, 'is an audio CNN (embedkit audio train), not an image encoder: load it with the audio-cnn encoder');
  if (typeof h !== 'object' || h === null || h.format !== FORMAT)
    throw new FileFormatError(file, `invalid header: format is not '${FORMAT}'`);
  if (h.kind !== 'projection-head' && h.kind !== 'devise')
    throw new FileFormatError(file, `invalid header: unknown kind ${JSON.stringify(h.kind)}`);
  if (typeof h.name !== 'string') throw new FileFormatError(file, 'invalid header: name must be a string');
  checkSpec(file, 'backbone', h.backbone);
  if (h.text !== undefined) checkSpec(file, 'text', h.text);
  if (!Array.isArray(h.labels) || !h.labels.every((l) => typeof l === 'string'))
    throw new FileFormatError(file, 'invalid header: labels must be an array of strings');
  if (!Array.isArray(h.layers) || h.layers.length === 0) throw new FileFormatError(file, 'invalid header: no layers');
  let width = h.backbone.dimension;
  h.layers.forEach((l, k) => {
    if (
      typeof l !== 'object' ||
      l === null ||
      !isCount(l.inputs) ||
      !isCount(l.outputs) ||
      !ACTIVATIONS.includes(l.activation) ||
      typeof l.bias !== 'boolean'
    ) {
      throw new FileFormatError(file, `invalid header: layer ${k} must be {inputs, outputs, activation: relu|none, bias}`);
    }
    if (l.inputs !== width) throw new FileFormatError(file, `invalid header: layer ${k} takes ${l.inputs} inputs but receives ${width}`);
    width = l.outputs;
  });
  if (h.text !== undefined && width !== h.text.dimension)
    throw new FileFormatError(file, `invalid header: the output (${width}-d) does not match the text space (${h.text.dimension}-d)`);
}

/** Parses and checks the bytes of a `.ekte` file (`file` only names it in errors). */
export function decodeTrainedEncoder(buf: Uint8Array, file: string): { info: TrainedEncoderInfo; layers: DenseLayer[] } {
  const parsed = decodeEkteHeader(buf, file);
  const header = parsed.header as FileHeader;
  checkHeader(file, header);
  const sizes = header.layers.flatMap((s) => (s.bias ? [s.inputs * s.outputs, s.outputs] : [s.inputs * s.outputs]));
  const floats = sizes.reduce((a, n) => a + n, 0);
  const tensors = readEkteTensors(parsed, file, sizes, `${header.layers.length} layers of ${floats} parameters`);
  let t = 0;
  const layers: DenseLayer[] = header.layers.map((s) => {
    const weights = tensors[t++];
    const bias = s.bias ? tensors[t++] : undefined;
    return { inputs: s.inputs, outputs: s.outputs, activation: s.activation, weights, ...(bias ? { bias } : {}) };
  });
  const { format: _format, layers: _shapes, ...info } = header;
  return { info, layers };
}

/** Reads and checks a `.ekte` file without loading its backbone. */
export async function readTrainedEncoderFile(file: string): Promise<{ info: TrainedEncoderInfo; layers: DenseLayer[] }> {
  const full = path.resolve(file);
  return decodeTrainedEncoder(await readEkteBytes(full), full);
}

/** Options of {@link loadTrainedEncoder}. */
export interface LoadTrainedOptions {
  /**
   * The backbone to use instead of rebuilding it by name (e.g. a custom encoder not in the
   * registry). Its name and dimension must match the file's.
   */
  backbone?: Encoder<ImageInput>;
  /** Options merged over the saved backbone options (e.g. `{threads: 1}`); must not change its output. */
  backboneOptions?: Record<string, unknown>;
}

/**
 * The backbone named in the file, with its saved options (and `overrides`). A name or options that
 * cannot be loaded are the file's problem (FileFormatError), unless the caller's overrides are in play.
 */
async function rebuildBackbone(
  file: string,
  info: TrainedEncoderInfo,
  overrides: Record<string, unknown> | undefined,
): Promise<Encoder<ImageInput>> {
  try {
    return await loadBackbone({ name: info.backbone.name, options: { ...info.backbone.options, ...overrides } });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    const problem = `cannot rebuild its backbone: ${error.message}`;
    throw overrides && Object.keys(overrides).length > 0 ? new UsageError(`${file}: ${problem}`) : new FileFormatError(file, problem);
  }
}

/**
 * Loads an encoder saved by {@link TrainedImageEncoder.save}: checks the file, rebuilds the backbone
 * from the registry with the saved options, and returns an encoder giving the same outputs.
 */
export async function loadTrainedEncoder(file: string, options: LoadTrainedOptions = {}): Promise<TrainedImageEncoder> {
  const { info, layers } = await readTrainedEncoderFile(file);
  const full = path.resolve(file);
  const given = options.backbone;
  if (given && given.name !== info.backbone.name)
    throw new UsageError(`${full}: trained on backbone '${info.backbone.name}', got '${given.name}'`);
  const backbone = given ?? (await rebuildBackbone(full, info, options.backboneOptions));
  if (backbone.dimension !== info.backbone.dimension) {
    if (!given) await backbone.dispose?.();
    throw new FileFormatError(
      full,
      `dimension mismatch: trained on ${info.backbone.dimension}-d features of '${info.backbone.name}', the backbone gives ${backbone.dimension}-d`,
    );
  }
  return new TrainedImageEncoder(info, layers, backbone);
}
