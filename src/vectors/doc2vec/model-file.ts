// The Doc2Vec model file (.d2v): everything needed to look up and to infer document vectors.
//
//   0   8 bytes  magic "EKDOC2V\n"
//   8   u32      version (1)
//  12   u32      H: bytes of the JSON header
//  16   H bytes  JSON header (options, tokenizer, vocabSize, tagCount, wordBytes, tagBytes), padded to 4
//       u32[V]   UTF-8 byte length of each word, then the words' bytes, padded to 4
//       u32[T]   the same for the tags
//       f64[V]   word counts
//       f32[V·d] word vectors; f32[T·d] document vectors; f32[V·d] negative-sampling output weights
//                (if negative > 0); f32[(V-1)·d] hierarchical-softmax node weights (if hs)
//       u32      CRC-32 of every byte before it
// All numbers little-endian. Readers check the magic, version and header, then that the file length
// is exactly what the header implies, then the checksum, before allocating anything.
import { FileFormatError } from '../../errors.js';
import { writeFileAtomic } from '../../io/core/atomic-write.js';
import { crc32 } from '../../io/core/crc32.js';
import { HOST_IS_LITTLE_ENDIAN, littleEndianBytes, swap32InPlace, swap64InPlace } from '../../io/core/float32-bytes.js';
import { readWholeFile } from '../../io/core/whole-file.js';
import type { TokenizerOptions } from '../../text/tokenizer-options.js';
import { resolveDoc2VecOptions, storedOptions, type Doc2VecOptions, type StoredDoc2VecOptions } from './options.js';

const MAGIC = 'EKDOC2V\n';
export const DOC2VEC_FILE_VERSION = 1;

/** A Doc2Vec model as plain data (rows unpadded, `dim` floats each). */
export interface Doc2VecData {
  options: StoredDoc2VecOptions;
  tokenizer: TokenizerOptions;
  words: readonly string[];
  counts: Float64Array;
  tags: readonly string[];
  wordVectors: Float32Array;
  docVectors: Float32Array;
  syn1neg: Float32Array | undefined;
  syn1: Float32Array | undefined;
}

interface Header {
  options: StoredDoc2VecOptions;
  tokenizer: TokenizerOptions;
  vocabSize: number;
  tagCount: number;
  wordBytes: number;
  tagBytes: number;
}

const pad4 = (n: number) => (n + 3) & ~3;
const encoder = new TextEncoder();

function stringTable(strings: readonly string[]): { lengths: Uint8Array; bytes: Uint8Array } {
  const encoded = strings.map((s) => encoder.encode(s));
  const lengths = new DataView(new ArrayBuffer(4 * strings.length));
  encoded.forEach((e, i) => lengths.setUint32(4 * i, e.length, true));
  const bytes = new Uint8Array(pad4(encoded.reduce((s, e) => s + e.length, 0)));
  let at = 0;
  for (const e of encoded) {
    bytes.set(e, at);
    at += e.length;
  }
  return { lengths: new Uint8Array(lengths.buffer), bytes: bytes.subarray(0, at) };
}

/** Writes `m` to `file` atomically (temp file, fsync, rename). */
export async function writeDoc2VecFile(file: string, m: Doc2VecData): Promise<void> {
  const words = stringTable(m.words);
  const tags = stringTable(m.tags);
  const header: Header = {
    options: m.options,
    tokenizer: m.tokenizer,
    vocabSize: m.words.length,
    tagCount: m.tags.length,
    wordBytes: words.bytes.length,
    tagBytes: tags.bytes.length,
  };
  const json = encoder.encode(JSON.stringify(header));
  const head = new Uint8Array(16);
  head.set(encoder.encode(MAGIC));
  new DataView(head.buffer).setUint32(8, DOC2VEC_FILE_VERSION, true);
  new DataView(head.buffer).setUint32(12, json.length, true);
  const zeros = (n: number) => new Uint8Array((4 - (n % 4)) % 4);
  const chunks: Uint8Array[] = [
    head,
    json,
    zeros(json.length),
    words.lengths,
    words.bytes,
    zeros(words.bytes.length),
    tags.lengths,
    tags.bytes,
    zeros(tags.bytes.length),
    littleEndianBytes(m.counts),
    littleEndianBytes(m.wordVectors),
    littleEndianBytes(m.docVectors),
  ];
  if (m.syn1neg) chunks.push(littleEndianBytes(m.syn1neg));
  if (m.syn1) chunks.push(littleEndianBytes(m.syn1));
  let crc = 0;
  for (const c of chunks) crc = crc32(c, crc);
  const tail = new Uint8Array(4);
  new DataView(tail.buffer).setUint32(0, crc >>> 0, true);
  chunks.push(tail);
  await writeFileAtomic(file, chunks);
}

function checkHeader(file: string, value: unknown): Header {
  const bad = (problem: string) => new FileFormatError(file, `bad Doc2Vec header: ${problem}`);
  if (value === null || typeof value !== 'object') throw bad('not an object');
  const h = value as Partial<Header>;
  for (const key of ['vocabSize', 'tagCount', 'wordBytes', 'tagBytes'] as const) {
    const v = h[key];
    if (!Number.isSafeInteger(v) || (v as number) < 0) throw bad(`${key} must be a non-negative integer, got ${JSON.stringify(v)}`);
  }
  const o = h.options as Partial<StoredDoc2VecOptions> | undefined;
  if (!o || typeof o !== 'object') throw bad('no options');
  if (o.model !== 'dbow' && o.model !== 'dm') throw bad(`model must be dbow or dm, got ${JSON.stringify(o.model)}`);
  for (const key of ['dim', 'window', 'epochs', 'maxDocumentLength'] as const)
    if (!Number.isSafeInteger(o[key]) || (o[key] as number) < 1) throw bad(`options.${key} must be a positive integer`);
  if (!Number.isSafeInteger(o.negative) || (o.negative as number) < 0) throw bad('options.negative must be a non-negative integer');
  if (typeof o.hs !== 'boolean') throw bad('options.hs must be a boolean');
  if (typeof o.dbowWords !== 'boolean' || typeof o.dmMean !== 'boolean') throw bad('options.dbowWords and options.dmMean must be booleans');
  if (!h.tokenizer || typeof h.tokenizer !== 'object' || Array.isArray(h.tokenizer)) throw bad('no tokenizer settings');
  if (h.vocabSize === 0) throw bad('empty vocabulary');
  let options: StoredDoc2VecOptions;
  try {
    options = storedOptions(resolveDoc2VecOptions({ ...(o as Doc2VecOptions), workers: 1 }));
  } catch (e) {
    throw bad(`options: ${(e as Error).message}`);
  }
  return { ...(h as Header), options };
}

function readStrings(file: string, what: string, bytes: Uint8Array, at: number, count: number, total: number): string[] {
  const dv = new DataView(bytes.buffer, bytes.byteOffset + at, 4 * count);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let p = at + 4 * count;
  const out = new Array<string>(count);
  let sum = 0;
  for (let i = 0; i < count; i++) {
    const n = dv.getUint32(4 * i, true);
    sum += n;
    if (sum > total) throw new FileFormatError(file, `${what} lengths add up to more than the ${total} bytes the header gives`);
    try {
      out[i] = decoder.decode(bytes.subarray(p, p + n));
    } catch {
      throw new FileFormatError(file, `${what} ${i} is not valid UTF-8`);
    }
    p += n;
  }
  if (sum !== total) throw new FileFormatError(file, `${what} lengths add up to ${sum} bytes, the header gives ${total}`);
  return out;
}

function floats(bytes: Uint8Array, at: number, count: number): Float32Array {
  const copy = bytes.slice(at, at + 4 * count);
  if (!HOST_IS_LITTLE_ENDIAN) swap32InPlace(copy);
  return new Float32Array(copy.buffer, 0, count);
}

/** Reads a model written by {@link writeDoc2VecFile}; FileFormatError naming the file for anything wrong. */
export async function readDoc2VecFile(file: string): Promise<Doc2VecData> {
  const { bytes } = await readWholeFile(file);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 20) throw new FileFormatError(file, `too short for a Doc2Vec model (${bytes.length} bytes)`);
  if (new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC)
    throw new FileFormatError(file, 'not an embedkit Doc2Vec model (bad magic)');
  const version = dv.getUint32(8, true);
  if (version !== DOC2VEC_FILE_VERSION)
    throw new FileFormatError(
      file,
      `Doc2Vec model version ${version} is not supported (this embedkit reads version ${DOC2VEC_FILE_VERSION})`,
    );
  const h = dv.getUint32(12, true);
  if (16 + h > bytes.length)
    throw new FileFormatError(file, `truncated: the header needs ${h} bytes, the file has ${bytes.length - 16} after the magic`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(16, 16 + h)));
  } catch (e) {
    throw new FileFormatError(file, `bad Doc2Vec header (${(e as Error).message})`);
  }
  const header = checkHeader(file, parsed);
  const { vocabSize: V, tagCount: T, options: o } = header;
  const d = o.dim;
  let at = 16 + pad4(h);
  const wordsAt = at;
  at += 4 * V + pad4(header.wordBytes);
  const tagsAt = at;
  at += 4 * T + pad4(header.tagBytes);
  const countsAt = at;
  at += 8 * V;
  const floatsAt = at;
  const floatCount = d * (V + T + (o.negative > 0 ? V : 0) + (o.hs ? Math.max(1, V - 1) : 0));
  const expected = at + 4 * floatCount + 4;
  if (expected !== bytes.length)
    throw new FileFormatError(
      file,
      `${expected > bytes.length ? 'truncated' : 'trailing bytes'}: the header implies ${expected} bytes, the file has ${bytes.length}`,
    );
  const stored = dv.getUint32(bytes.length - 4, true);
  if (crc32(bytes.subarray(0, bytes.length - 4)) >>> 0 !== stored)
    throw new FileFormatError(file, 'checksum mismatch (the file is corrupt)');
  const words = readStrings(file, 'word', bytes, wordsAt, V, header.wordBytes);
  const tags = readStrings(file, 'tag', bytes, tagsAt, T, header.tagBytes);
  const countBytes = bytes.slice(countsAt, countsAt + 8 * V);
  if (!HOST_IS_LITTLE_ENDIAN) swap64InPlace(countBytes);
  let p = floatsAt;
  const take = (n: number) => {
    const f = floats(bytes, p, n);
    p += 4 * n;
    return f;
  };
  const wordVectors = take(V * d);
  const docVectors = take(T * d);
  const syn1neg = o.negative > 0 ? take(V * d) : undefined;
  const syn1 = o.hs ? take(Math.max(1, V - 1) * d) : undefined;
  return {
    options: o,
    tokenizer: header.tokenizer,
    words,
    counts: new Float64Array(countBytes.buffer, 0, V),
    tags,
    wordVectors,
    docVectors,
    syn1neg,
    syn1,
  };
}
