import path from 'node:path';
import { FileFormatError, UsageError } from '../../errors.js';
import { writeFileAtomic } from '../../io/core/atomic-write.js';
import { checkConvNetShape, convNetParameters, type ConvNet, type ConvNetShape } from '../../learn/conv-net.js';
import { decodeEkteHeader, encodeEkte, readEkteBytes, readEkteTensors } from '../train/ekte-container.js';
import { CNN_BANDS, type CnnFrontEnd } from './cnn-input.js';

/**
 * What an audio CNN is beyond its weights: the JSON header of its `.ekte` file (the container of
 * src/encode/train/ekte-container.ts; kind `audio-cnn`). The tensors follow in the order of
 * `convNetParameters`: per conv block its weights (out × in·k·k) and bias, then per dense layer
 * its weights (outputs × inputs) and bias.
 */
export interface AudioCnnInfo {
  kind: 'audio-cnn';
  name: string;
  /** Label names of the training set (the classifier itself is not saved). */
  labels: string[];
  frontEnd: CnnFrontEnd;
  network: ConvNetShape;
  /** Loss, hyper-parameters and figures of the training run (informative). */
  training: Record<string, unknown>;
}

const FORMAT = 'embedkit-audio-cnn';

/** Serialises an audio CNN (header + weights + checksum) into one buffer. */
export function encodeAudioCnn(info: AudioCnnInfo, net: ConvNet): Buffer {
  return encodeEkte({ format: FORMAT, ...info, network: net.shape }, convNetParameters(net));
}

/** Writes an audio CNN to `file` atomically. */
export async function saveAudioCnn(file: string, info: AudioCnnInfo, net: ConvNet): Promise<void> {
  if (typeof file !== 'string' || file.length === 0) throw new UsageError('save needs a file path');
  await writeFileAtomic(file, encodeAudioCnn(info, net));
}

function isInt(v: unknown, min: number, max: number): v is number {
  return Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max;
}

function checkHeader(file: string, h: Record<string, unknown>): AudioCnnInfo {
  if (typeof h !== 'object' || h === null || Array.isArray(h)) throw new FileFormatError(file, 'invalid header: not an object');
  if (h.kind !== 'audio-cnn' || h.format !== FORMAT) {
    throw new FileFormatError(
      file,
      h.kind === 'projection-head' || h.kind === 'devise'
        ? `is a trained image encoder (kind ${String(h.kind)}), not an audio CNN: load it with the 'trained' encoder`
        : `invalid header: not an audio CNN (format ${JSON.stringify(h.format)}, kind ${JSON.stringify(h.kind)})`,
    );
  }
  if (typeof h.name !== 'string') throw new FileFormatError(file, 'invalid header: name must be a string');
  if (!Array.isArray(h.labels) || !h.labels.every((l) => typeof l === 'string'))
    throw new FileFormatError(file, 'invalid header: labels must be an array of strings');
  const fe = h.frontEnd as CnnFrontEnd | undefined;
  if (
    typeof fe !== 'object' ||
    fe === null ||
    !isInt(fe.frames, 1, 10000) ||
    !isInt(fe.hop, 1, 10000) ||
    !(typeof fe.trimDb === 'number' && fe.trimDb > 0)
  )
    throw new FileFormatError(file, 'invalid header: frontEnd must be {frames, hop, trimDb}');
  const net = h.network as ConvNetShape | undefined;
  const valid =
    typeof net === 'object' &&
    net !== null &&
    Array.isArray(net.input) &&
    net.input.length === 3 &&
    Array.isArray(net.blocks) &&
    net.blocks.every((b) => typeof b === 'object' && b !== null && Array.isArray(b.pool) && b.pool.length === 2) &&
    Array.isArray(net.dense) &&
    net.dense.every(
      (l) =>
        typeof l === 'object' &&
        l !== null &&
        isInt(l.inputs, 1, 1 << 24) &&
        isInt(l.outputs, 1, 1 << 24) &&
        (l.activation === 'relu' || l.activation === 'none') &&
        l.bias === true,
    );
  if (!valid)
    throw new FileFormatError(file, 'invalid header: network must be {input: [c, h, w], blocks: [{channels, kernel, pool}], dense: [...]}');
  if (net.input[0] !== 1 || net.input[1] !== fe.frames || net.input[2] !== CNN_BANDS)
    throw new FileFormatError(file, `invalid header: the network input ${net.input.join(' × ')} is not 1 × ${fe.frames} × ${CNN_BANDS}`);
  try {
    checkConvNetShape(net);
  } catch (error) {
    throw new FileFormatError(file, `invalid header: ${(error as Error).message}`);
  }
  const { format: _format, ...info } = h;
  return info as unknown as AudioCnnInfo;
}

/** Parameter counts of a network of `shape`, in file order. */
function tensorSizes(shape: ConvNetShape): number[] {
  const sizes: number[] = [];
  let channels = shape.input[0];
  for (const b of shape.blocks) {
    sizes.push(b.channels * channels * b.kernel * b.kernel, b.channels);
    channels = b.channels;
  }
  for (const l of shape.dense) sizes.push(l.inputs * l.outputs, l.outputs);
  return sizes;
}

/** Parses and checks the bytes of an audio CNN `.ekte` file (`file` only names it in errors). */
export function decodeAudioCnn(buf: Uint8Array, file: string): { info: AudioCnnInfo; net: ConvNet } {
  const parsed = decodeEkteHeader(buf, file);
  const info = checkHeader(file, parsed.header as Record<string, unknown>);
  const shape = info.network;
  const sizes = tensorSizes(shape);
  const tensors = readEkteTensors(parsed, file, sizes, `a network of ${sizes.reduce((a, n) => a + n, 0)} parameters`);
  let t = 0;
  let channels = shape.input[0];
  const convs = shape.blocks.map((b) => {
    const layer = { inChannels: channels, outChannels: b.channels, kernel: b.kernel, weights: tensors[t], bias: tensors[t + 1] };
    t += 2;
    channels = b.channels;
    return layer;
  });
  const dense = shape.dense.map((l) => {
    const layer = { inputs: l.inputs, outputs: l.outputs, activation: l.activation, weights: tensors[t], bias: tensors[t + 1] };
    t += 2;
    return layer;
  });
  return { info, net: { shape, convs, dense } };
}

/** Reads and checks an audio CNN `.ekte` file. */
export async function readAudioCnnFile(file: string): Promise<{ info: AudioCnnInfo; net: ConvNet }> {
  const full = path.resolve(file);
  return decodeAudioCnn(await readEkteBytes(full), full);
}
