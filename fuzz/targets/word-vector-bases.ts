import { EKV_FIELD, EKV_HEADER_BYTES } from '../../src/io/word-vectors/ekv-layout.js';
import { getFormat } from '../../src/io/word-vectors/formats.js';
import type { VectorFormatName, WordVectorsData } from '../../src/io/word-vectors/vector-format.js';
import type { BaseFile, Field } from '../lib/target.js';

/** What a correct load of a word-vector base gives. */
export interface ExpectedWordVectors {
  words: string[];
  vectors: Float32Array;
  dim: number;
  counts?: Float64Array;
}

function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = (s / 2 ** 32 - 0.5) * 10 ** ((s % 7) - 3);
  }
  return out;
}

/** The word-vector data sets the bases are written from (the text formats take the ones without blanks). */
function dataSets(format: VectorFormatName): [string, WordVectorsData][] {
  const special = Float32Array.of(-0, 1.401298464324817e-45, 3.4028234663852886e38, -1.5, NaN, Infinity, -Infinity, 1e-40);
  const sets: [string, WordVectorsData][] = [
    ['3 × 4', { words: ['w0', 'w1', 'w2'], vectors: values(12, 1), dim: 4 }],
    ['5 × 1 unicode', { words: ['é', '日本', '😀', 'a-b', 'x_y'], vectors: values(5, 2), dim: 1 }],
    ['1 × 8 specials', { words: ['only'], vectors: special, dim: 8 }],
    ['4 × 2 numeric words', { words: ['1', '2', '10', '-3'], vectors: values(8, 3), dim: 2 }],
  ];
  if (format !== 'glove') sets.push(['0 × 3', { words: [], vectors: new Float32Array(0), dim: 3 }]);
  if (format === 'ekv') {
    sets.push(['3 × 2 counts', { words: ['a', 'b', 'c'], vectors: values(6, 4), dim: 2, counts: Float64Array.of(30, 20.5, 0) }]);
    sets.push(['4 × 2 odd words', { words: ['', 'two words', 'new\nline', 'tab\t'], vectors: values(8, 5), dim: 2 }]);
  }
  return sets;
}

function ekvFields(bytes: Uint8Array): Field[] {
  const widths: Record<keyof typeof EKV_FIELD, 1 | 2 | 4 | 8> = {
    magic: 8,
    version: 4,
    flags: 4,
    rows: 8,
    dim: 4,
    headerBytes: 4,
    wordsOffset: 8,
    wordsLength: 8,
    countsOffset: 8,
    countsLength: 8,
    vectorsOffset: 8,
    vectorsLength: 8,
    fileLength: 8,
    payloadCrc: 4,
    headerCrc: 4,
  };
  const fields: Field[] = Object.entries(EKV_FIELD).map(([name, at]) => ({ name, at, bytes: widths[name as keyof typeof EKV_FIELD] }));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const wordsOffset = Number(view.getBigUint64(EKV_FIELD.wordsOffset, true));
  for (let i = 0; i < 3; i++) fields.push({ name: `word offset ${i}`, at: wordsOffset + 4 * i, bytes: 4 });
  return fields;
}

function ekvBoundaries(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = (field: number) => Number(view.getBigUint64(field, true));
  const out = [
    8,
    12,
    16,
    24,
    28,
    64,
    88,
    124,
    EKV_HEADER_BYTES,
    at(EKV_FIELD.wordsOffset),
    at(EKV_FIELD.countsOffset),
    at(EKV_FIELD.vectorsOffset),
  ];
  const dim = view.getUint32(EKV_FIELD.dim, true);
  for (let p = at(EKV_FIELD.vectorsOffset); p <= bytes.length; p += 4 * dim) out.push(p);
  return out;
}

/** Every line start, and for the binary format every record's word end. */
function textBoundaries(bytes: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 10 || bytes[i] === 32) out.push(i + 1);
  return out;
}

/** Valid files of `format`, written by embedkit's encoder of that format. */
export function wordVectorBases(format: VectorFormatName): BaseFile[] {
  const encoder = getFormat(format);
  const ext = encoder.extensions[0];
  const bases: BaseFile[] = [];
  for (const [label, data] of dataSets(format)) {
    const bytes = new Uint8Array(Buffer.concat([...encoder.encode(data)]));
    const expected: ExpectedWordVectors = { words: [...data.words], vectors: data.vectors, dim: data.dim, counts: data.counts };
    bases.push({
      label,
      bytes,
      ext,
      expected,
      fields: format === 'ekv' ? ekvFields(bytes) : undefined,
      boundaries: format === 'ekv' ? ekvBoundaries(bytes) : textBoundaries(bytes),
    });
  }
  if (format === 'w2v-text' || format === 'glove') {
    // the same rows with CRLF line ends and a UTF-8 byte-order mark
    const first = bases[0];
    const crlf = Buffer.concat([
      Uint8Array.of(0xef, 0xbb, 0xbf),
      Buffer.from(Buffer.from(first.bytes).toString('latin1').replace(/\n/g, '\r\n'), 'latin1'),
    ]);
    bases.push({ ...first, label: `${first.label} BOM CRLF`, bytes: new Uint8Array(crlf), boundaries: textBoundaries(crlf) });
  }
  if (format === 'w2v-binary') {
    // gensim writes no newline after each vector
    const data = dataSets(format)[0][1];
    const parts: Buffer[] = [Buffer.from(`${data.words.length} ${data.dim}\n`)];
    data.words.forEach((w, i) =>
      parts.push(Buffer.from(`${w} `), Buffer.from(data.vectors.slice(i * data.dim, (i + 1) * data.dim).buffer)),
    );
    const bytes = new Uint8Array(Buffer.concat(parts));
    bases.push({ ...bases[0], label: '3 × 4 gensim (no newlines)', bytes, boundaries: textBoundaries(bytes) });
  }
  return bases;
}
