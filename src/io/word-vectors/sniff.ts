import { hasEkvMagic } from './ekv-layout.js';
import { scanFloat, type ScanState } from '../core/float-text.js';
import { showBytes } from './push-parser.js';
import { parseW2vHeader, type W2vHeader } from './w2v-header.js';

/** Names of the vector file formats embedkit reads and writes. */
export type VectorFormatName = 'ekv' | 'w2v-text' | 'w2v-binary' | 'glove';

/** Bytes of (decompressed) content the detector looks at. */
export const SNIFF_BYTES = 256 * 1024;

const strictDecoder = new TextDecoder('utf-8', { fatal: true });

function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}

/** End of the line starting at `start` (index of its `\n`, or the end of `bytes`), or -1 if incomplete. */
function lineEnd(bytes: Uint8Array, start: number, atEof: boolean): number {
  const nl = bytes.indexOf(10, start);
  if (nl >= 0) return nl;
  return atEof ? bytes.length : -1;
}

/**
 * Splits `bytes[start, end)` on blanks; true when the first token (the word: any bytes but control
 * characters — its encoding is the reader's business) is followed by exactly `dim` numbers (any count
 * ≥ 1 when `dim` is undefined).
 */
function isTextRow(bytes: Uint8Array, start: number, end: number, dim: number | undefined): boolean {
  while (end > start && (bytes[end - 1] === 13 || isBlank(bytes[end - 1]))) end--;
  let p = start;
  while (p < end && !isBlank(bytes[p])) p++;
  if (p === start) return false;
  for (let i = start; i < p; i++) if (bytes[i] < 0x20 || bytes[i] === 0x7f) return false;
  const scan: ScanState = { pos: 0, ok: false };
  let count = 0;
  for (;;) {
    while (p < end && isBlank(bytes[p])) p++;
    if (p >= end) break;
    scanFloat(bytes, p, end, scan);
    if (!scan.ok) return false;
    count++;
    p = scan.pos;
  }
  return dim === undefined ? count > 0 : count === dim;
}

/** Valid UTF-8 (a character cut at the end is allowed) without control bytes other than tab, CR and LF. */
function looksLikeText(bytes: Uint8Array): boolean {
  for (const c of bytes) if ((c < 0x20 && c !== 9 && c !== 10 && c !== 13) || c === 0x7f) return false;
  for (let cut = 0; cut < 4 && cut <= bytes.length; cut++) {
    try {
      strictDecoder.decode(bytes.subarray(0, bytes.length - cut));
      return true;
    } catch {
      // Maybe a multi-byte character cut by the end of the sample: retry without its bytes.
    }
  }
  return false;
}

/** Whether the first records after the header fit `word SPACE dim×float32 [\n]`. */
function binaryRecordsFit(bytes: Uint8Array, header: W2vHeader): boolean {
  let pos = header.length;
  let checked = 0;
  while (checked < Math.min(header.rows, 3)) {
    while (pos < bytes.length && bytes[pos] === 10) pos++;
    if (pos >= bytes.length) return checked > 0;
    const space = bytes.indexOf(32, pos);
    if (space < 0) return checked > 0 && bytes.length - pos < 1000;
    if (space === pos || space - pos > 1000) return false;
    for (let i = pos; i < space; i++) if (bytes[i] < 0x20 || bytes[i] === 0x7f) return false;
    pos = space + 1 + 4 * header.dim;
    checked++;
    if (pos > bytes.length) return true;
  }
  return true;
}

function detectAfterHeader(bytes: Uint8Array, header: W2vHeader, atEof: boolean): VectorFormatName {
  let start = header.length;
  while (start < bytes.length && (bytes[start] === 10 || bytes[start] === 13)) start++;
  if (start >= bytes.length) return 'w2v-text'; // header only: both readers give the same result
  const end = lineEnd(bytes, start, atEof);
  if (end >= 0 && isTextRow(bytes, start, end, header.dim)) return 'w2v-text';
  if (binaryRecordsFit(bytes, header)) return 'w2v-binary';
  // Neither fits: pick the reader whose error message will explain the problem best.
  const sampleEnd = end >= 0 ? end : Math.min(bytes.length, start + 4096);
  return looksLikeText(bytes.subarray(start, sampleEnd)) ? 'w2v-text' : 'w2v-binary';
}

/**
 * The format of a file from the first bytes of its (decompressed) content, or `undefined` when it is
 * none of them: ekv by its magic; word2vec when the first line is `N D`, binary or text by what
 * follows; GloVe when the first line is `word number number …`.
 * @param prefix the first bytes (up to {@link SNIFF_BYTES} are used)
 * @param atEof whether `prefix` is the whole content
 */
export function sniffFormat(prefix: Uint8Array, atEof: boolean): VectorFormatName | undefined {
  if (prefix.length >= 3 && prefix[0] === 0xef && prefix[1] === 0xbb && prefix[2] === 0xbf) prefix = prefix.subarray(3); // UTF-8 BOM
  if (prefix.length === 0) return undefined;
  if (hasEkvMagic(prefix) || (prefix.length >= 4 && prefix[0] === 0x89 && prefix[1] === 0x45 && prefix[2] === 0x4b && prefix[3] === 0x56)) {
    return 'ekv';
  }
  const header = parseW2vHeader(prefix, atEof);
  if (header) return detectAfterHeader(prefix, header, atEof);
  let start = 0;
  while (start < prefix.length && (prefix[start] === 10 || prefix[start] === 13)) start++;
  const end = lineEnd(prefix, start, atEof);
  if (start < prefix.length && end >= 0 && isTextRow(prefix, start, end, undefined)) return 'glove';
  return undefined;
}

const SIGNATURES: [number[], string][] = [
  [[0x89, 0x50, 0x4e, 0x47], 'a PNG image'],
  [[0xff, 0xd8, 0xff], 'a JPEG image'],
  [[0x47, 0x49, 0x46, 0x38], 'a GIF image'],
  [[0x25, 0x50, 0x44, 0x46], 'a PDF document'],
  [[0x50, 0x4b, 0x03, 0x04], 'a zip archive (.zip, .npz, .docx, …)'],
  [[0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59], 'a numpy .npy array'],
  [[0x89, 0x48, 0x44, 0x46], 'an HDF5 file'],
  [[0xba, 0x16, 0x4f, 0x2f], 'a fastText .bin model, which is not supported (use the .vec file fastText writes next to it)'],
  [[0x1f, 0x8b], 'gzip data inside gzip'],
  [[0x7f, 0x45, 0x4c, 0x46], 'an ELF executable'],
];

/** A short description of content that {@link sniffFormat} did not recognise, for error messages. */
export function describeContent(prefix: Uint8Array, atEof: boolean): string {
  if (prefix.length === 0) return 'empty file';
  for (const [signature, what] of SIGNATURES) {
    if (signature.length <= prefix.length && signature.every((byte, i) => prefix[i] === byte)) return `found ${what}`;
  }
  if (prefix[0] === 0x80 && prefix.length > 1 && prefix[1] >= 2 && prefix[1] <= 5) {
    return 'found a Python pickle — a gensim .model file? Export it with KeyedVectors.save_word2vec_format';
  }
  const sample = prefix.subarray(0, Math.min(prefix.length, 4096));
  if (!looksLikeText(sample)) {
    const hex = Array.from(prefix.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
    return `found binary data starting with bytes ${hex}`;
  }
  let first = 0;
  while (first < prefix.length && (prefix[first] === 32 || prefix[first] === 9 || prefix[first] === 10 || prefix[first] === 13)) first++;
  if (first >= prefix.length) return 'the file is blank';
  if (atEof && /^[ \t]*[0-9]+[ \t]*[0-9]*[ \t\r]*$/.test(Buffer.from(prefix.buffer, prefix.byteOffset, prefix.length).toString('latin1'))) {
    return `the file ends inside what looks like a word2vec header line: ${showBytes(prefix, 0, prefix.length)} (truncated?)`;
  }
  if (prefix[first] === 0x7b || prefix[first] === 0x5b) return 'found JSON';
  if (prefix[first] === 0x3c) return 'found XML/HTML';
  const end = lineEnd(prefix, first, atEof);
  const line = showBytes(prefix, first, end >= 0 ? end : prefix.length);
  return `found text whose first line is neither a 'count dim' header nor 'word number number …': ${line}`;
}
