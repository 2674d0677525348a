import { createHash } from 'node:crypto';
import { encodeTrainedEncoder, loadTrainedEncoder, readTrainedEncoderFile, TRAINED_MAGIC } from '../../src/encode/train/trained-file.js';
import type { TrainedEncoderInfo } from '../../src/encode/train/trained-encoder.js';
import type { DenseLayer } from '../../src/learn/mlp.js';
import { finiteProblem, firstProblem, sameFloatsProblem } from '../lib/checks.js';
import type { BaseFile, FuzzTarget, ReadContext } from '../lib/target.js';
import { jsonEdits, setPath, type JsonEdit } from './json-edits.js';

type Result = Awaited<ReturnType<typeof readTrainedEncoderFile>>;

interface Expected {
  info: TrainedEncoderInfo;
  layers: DenseLayer[];
}

const PREFIX = 16;
const DIGEST = 32;

/** A header key (dotted path into the JSON header) set to an odd value; the file is re-encoded with a valid checksum. */
type HeaderEdit = JsonEdit;

const KEYS = [
  'format',
  'kind',
  'name',
  'labels',
  'training',
  'backbone',
  'backbone.name',
  'backbone.options',
  'backbone.dimension',
  'text',
  'text.dimension',
  'layers',
  'layers.0',
  'layers.0.inputs',
  'layers.0.outputs',
  'layers.0.activation',
  'layers.0.bias',
  'layers.1.inputs',
  'layers.1.outputs',
  'layers.1',
];

function layer(inputs: number, outputs: number, bias: boolean, seed: number): DenseLayer {
  const weights = Float32Array.from({ length: inputs * outputs }, (_, i) => Math.sin(seed + i));
  return {
    inputs,
    outputs,
    activation: bias ? 'relu' : 'none',
    weights,
    ...(bias ? { bias: Float32Array.from({ length: outputs }, (_, i) => i / 7) } : {}),
  };
}

/** A backbone that loads without a model file: raw-pixels of size × size (dimension size²). */
function info(kind: TrainedEncoderInfo['kind'], size: number, text?: number): TrainedEncoderInfo {
  return {
    kind,
    name: `fuzz-${kind}`,
    backbone: { name: 'raw-pixels', options: { size }, dimension: size * size },
    labels: ['cat', 'dog', 'é'],
    ...(text ? { text: { name: 'glove-like', options: {}, dimension: text } } : {}),
    training: { loss: 'triplet', epochs: 2 },
  };
}

function withDigest(bytes: Uint8Array): Uint8Array {
  if (bytes.length < DIGEST) return bytes;
  const out = Uint8Array.from(bytes);
  out.set(
    createHash('sha256')
      .update(out.subarray(0, out.length - DIGEST))
      .digest(),
    out.length - DIGEST,
  );
  return out;
}

/** Sets a header key and re-encodes the file (header length, padding and digest kept valid). */
function applyHeaderEdit(bytes: Uint8Array, edit: HeaderEdit): Uint8Array {
  const b = Buffer.from(bytes);
  const length = b.readUInt32LE(12);
  const header = JSON.parse(b.subarray(PREFIX, PREFIX + length).toString('utf8')) as Record<string, unknown>;
  setPath(header, edit.key, edit.value);
  let json = Buffer.from(JSON.stringify(header));
  if (json.length % 4 !== 0) json = Buffer.concat([json, Buffer.alloc(4 - (json.length % 4), 0x20)]);
  const prefix = Buffer.from(b.subarray(0, PREFIX));
  prefix.writeUInt32LE(json.length, 12);
  return withDigest(new Uint8Array(Buffer.concat([prefix, json, b.subarray(PREFIX + length)])));
}

function check(r: Result, context: ReadContext): string | undefined {
  let width = r.info.backbone.dimension;
  for (const [k, l] of r.layers.entries()) {
    const problem = firstProblem(
      l.inputs === width ? undefined : `layer ${k} takes ${l.inputs} inputs after a ${width}-wide layer`,
      l.weights.length === l.inputs * l.outputs ? undefined : `layer ${k}: ${l.weights.length} weights for ${l.inputs} × ${l.outputs}`,
      l.bias === undefined || l.bias.length === l.outputs ? undefined : `layer ${k}: ${l.bias?.length} biases for ${l.outputs} outputs`,
      finiteProblem(l.weights, `layer ${k} weights`),
      l.bias && finiteProblem(l.bias, `layer ${k} bias`),
    );
    if (problem) return problem;
    width = l.outputs;
  }
  const expected = context.unchanged && !context.base.foreign ? (context.base.expected as Expected) : undefined;
  return firstProblem(
    r.layers.length > 0 ? undefined : 'no layers',
    Array.isArray(r.info.labels) && r.info.labels.every((l) => typeof l === 'string') ? undefined : 'labels are not strings',
    r.info.text === undefined || r.info.text.dimension === width ? undefined : `output ${width}-d, text space ${r.info.text.dimension}-d`,
    expected && JSON.stringify(r.info) !== JSON.stringify(expected.info) ? 'info differs' : undefined,
    expected && r.layers.length !== expected.layers.length ? 'layer count differs' : undefined,
    expected && r.layers.map((l, k) => sameFloatsProblem(l.weights, expected.layers[k].weights, `layer ${k} weights`)).find(Boolean),
  );
}

function base(label: string, i: TrainedEncoderInfo, layers: DenseLayer[]): BaseFile {
  const bytes = new Uint8Array(encodeTrainedEncoder(i, layers));
  const headerEnd = PREFIX + Buffer.from(bytes).readUInt32LE(12);
  const boundaries = [8, 12, PREFIX, headerEnd - 1, headerEnd, bytes.length - DIGEST, bytes.length - 1];
  const fields = [
    { name: 'version', at: 8, bytes: 4 as const },
    { name: 'header length', at: 12, bytes: 4 as const },
  ];
  return { label, bytes, ext: '.ekte', fields, boundaries, expected: { info: i, layers } };
}

/** The trained-encoder file (.ekte: projection heads and DeViSE maps): readTrainedEncoderFile. */
export function trainedFileTarget(): FuzzTarget<Result, HeaderEdit> {
  return {
    name: 'ekte',
    readers: 'readTrainedEncoderFile, loadTrainedEncoder (.ekte heads and DeViSE maps)',
    variants: ['readTrainedEncoderFile', 'loadTrainedEncoder'],
    gzip: false,
    magic: new Uint8Array(TRAINED_MAGIC),
    bases: () =>
      Promise.resolve([
        base('projection head 4 → 3 → 2', info('projection-head', 2), [layer(4, 3, true, 1), layer(3, 2, true, 2)]),
        base('devise map 9 → 3', info('devise', 3, 3), [layer(9, 3, false, 3)]),
      ]),
    fixChecksums: withDigest,
    edits: jsonEdits(KEYS),
    applyEdit: applyHeaderEdit,
    async read(file, variant) {
      if (variant === 'readTrainedEncoderFile') return readTrainedEncoderFile(file);
      // rebuilds the backbone the file names, with the options it stores
      const encoder = await loadTrainedEncoder(file);
      await encoder.dispose();
      const { info: i, layers } = await readTrainedEncoderFile(file);
      return { info: i, layers };
    },
    check,
  };
}
