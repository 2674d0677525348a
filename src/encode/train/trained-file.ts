import { createHash } from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { FileFormatError, UsageError } from '../../errors.js';
import { writeFileAtomic } from '../../io/core/atomic-write.js';
import type { ImageInput } from '../image/types.js';
import type { Encoder } from '../types.js';
import { loadBackbone } from './backbone.js';
import { shapeOf, type Activation, type DenseLayer, type LayerShape } from '../../learn/mlp.js';
import { TrainedImageEncoder, type TrainedEncoderInfo } from './trained-encoder.js';

/**
 * The `.ekte` file (embedkit trained encoder), little-endian:
 *   0  8 bytes  magic "EKTRAIN\0"
 *   8  u32      version (1)
 *  12  u32      H = byte length of the JSON header (padded with spaces to a multiple of 4)
 *  16  H bytes  JSON header: {format, ...TrainedEncoderInfo, layers: LayerShape[]}
 *      float32  per layer: weights (outputs × inputs, row-major), then bias (outputs) if any
 *  end 32 bytes SHA-256 of everything before it
 */
export const TRAINED_MAGIC = Buffer.from('EKTRAIN\0', 'latin1');
export const TRAINED_VERSION = 1;
const FORMAT = 'embedkit-trained-encoder';
const PREFIX = 16;
const DIGEST = 32;
/** Header larger than this is refused as corrupt. */
const MAX_HEADER = 64 * 1024 * 1024;

interface FileHeader extends TrainedEncoderInfo {
  format: typeof FORMAT;
  layers: LayerShape[];
}

function parameterCount(shapes: readonly LayerShape[]): number {
  return shapes.reduce((s, l) => s + l.inputs * l.outputs + (l.bias ? l.outputs : 0), 0);
}

/** Serialises a trained encoder (header + weights + checksum) into one buffer. */
export function encodeTrainedEncoder(info: TrainedEncoderInfo, layers: readonly DenseLayer[]): Buffer {
  const header: FileHeader = { format: FORMAT, ...info, layers: layers.map(shapeOf) };
  let json = Buffer.from(JSON.stringify(header), 'utf8');
  if (json.length % 4 !== 0) json = Buffer.concat([json, Buffer.alloc(4 - (json.length % 4), 0x20)]);
  const floats = parameterCount(header.layers);
  const buf = Buffer.alloc(PREFIX + json.length + floats * 4 + DIGEST);
  TRAINED_MAGIC.copy(buf, 0);
  buf.writeUInt32LE(TRAINED_VERSION, 8);
  buf.writeUInt32LE(json.length, 12);
  json.copy(buf, PREFIX);
  let o = PREFIX + json.length;
  for (const layer of layers) {
    for (const v of layer.weights) o = buf.writeFloatLE(v, o);
    if (layer.bias) for (const v of layer.bias) o = buf.writeFloatLE(v, o);
  }
  createHash('sha256').update(buf.subarray(0, o)).digest().copy(buf, o);
  return buf;
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
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length === 0) throw new FileFormatError(file, 'empty file (0 bytes)');
  if (b.length < TRAINED_MAGIC.length || !b.subarray(0, TRAINED_MAGIC.length).equals(TRAINED_MAGIC)) {
    throw new FileFormatError(
      file,
      'not an embedkit trained-encoder file (bad magic; expected a .ekte file written by TrainedImageEncoder.save)',
    );
  }
  if (b.length < PREFIX + DIGEST)
    throw new FileFormatError(file, `truncated: ${b.length} bytes, shorter than the fixed parts of the format`);
  const version = b.readUInt32LE(8);
  if (version !== TRAINED_VERSION)
    throw new FileFormatError(file, `unsupported version ${version} (this embedkit reads version ${TRAINED_VERSION})`);
  const headerBytes = b.readUInt32LE(12);
  if (headerBytes > MAX_HEADER || headerBytes % 4 !== 0)
    throw new FileFormatError(file, `corrupt: header length ${headerBytes} is invalid`);
  if (b.length < PREFIX + headerBytes + DIGEST)
    throw new FileFormatError(file, `truncated: ${b.length} bytes, the header alone needs ${PREFIX + headerBytes + DIGEST}`);
  let header: FileHeader;
  try {
    header = JSON.parse(b.subarray(PREFIX, PREFIX + headerBytes).toString('utf8')) as FileHeader;
  } catch {
    throw new FileFormatError(file, 'corrupt: the header is not valid JSON');
  }
  checkHeader(file, header);
  const floats = parameterCount(header.layers);
  const expected = PREFIX + headerBytes + floats * 4 + DIGEST;
  if (b.length < expected)
    throw new FileFormatError(
      file,
      `truncated: ${b.length} bytes, expected ${expected} for ${header.layers.length} layers of ${floats} parameters`,
    );
  if (b.length > expected)
    throw new FileFormatError(file, `corrupt: ${b.length - expected} unexpected bytes after the weights (expected ${expected} bytes)`);
  const body = expected - DIGEST;
  const digest = createHash('sha256').update(b.subarray(0, body)).digest();
  if (!digest.equals(b.subarray(body))) throw new FileFormatError(file, 'corrupt: checksum mismatch (the file was modified or damaged)');
  let o = PREFIX + headerBytes;
  const read = (n: number): Float32Array => {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++, o += 4) a[i] = b.readFloatLE(o);
    return a;
  };
  const layers: DenseLayer[] = header.layers.map((s) => {
    const weights = read(s.inputs * s.outputs);
    const bias = s.bias ? read(s.outputs) : undefined;
    return { inputs: s.inputs, outputs: s.outputs, activation: s.activation, weights, ...(bias ? { bias } : {}) };
  });
  for (const l of layers) {
    if (!l.weights.every(Number.isFinite) || (l.bias && !l.bias.every(Number.isFinite)))
      throw new FileFormatError(file, 'corrupt: non-finite weights');
  }
  const { format: _format, layers: _shapes, ...info } = header;
  return { info, layers };
}

/** Reads and checks a `.ekte` file without loading its backbone. */
export async function readTrainedEncoderFile(file: string): Promise<{ info: TrainedEncoderInfo; layers: DenseLayer[] }> {
  const full = path.resolve(file);
  let bytes: Buffer;
  try {
    bytes = await fsp.readFile(full);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new FileFormatError(
      full,
      code === 'ENOENT'
        ? 'file not found'
        : code === 'EISDIR'
          ? 'is a folder, expected a .ekte file'
          : `cannot read: ${(error as Error).message}`,
    );
  }
  return decodeTrainedEncoder(bytes, full);
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
