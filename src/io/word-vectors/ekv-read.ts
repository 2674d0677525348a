import { FileFormatError } from '../../errors.js';
import { crc32 } from '../core/crc32.js';
import {
  EKV_ALIGN,
  EKV_FIELD,
  EKV_FLAG_COUNTS,
  EKV_HEADER_BYTES,
  EKV_KNOWN_FLAGS,
  EKV_VERSION,
  hasEkvMagic,
  type EkvHeader,
} from './ekv-layout.js';
import { HOST_IS_LITTLE_ENDIAN, swap32InPlace, swap64InPlace } from '../core/float32-bytes.js';
import { showBytes } from './push-parser.js';
import { PackedWords } from './packed-words.js';

/** Vectors decoded from an ekv file; `words`, `vectors` and `counts` are views into the file's buffer. */
export interface DecodedEkv {
  /** Packed (UTF-8 bytes, decoded when read) unless a word is not valid UTF-8 by itself: then strings with U+FFFD. */
  words: PackedWords | string[];
  vectors: Float32Array;
  counts: Float64Array | undefined;
  dim: number;
  /** Rows in the file (before `limit`). */
  rowsInFile: number;
}

function hex32(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}

/** Reads and checks the 128-byte header of `bytes` (the whole file). */
export function decodeEkvHeader(file: string, bytes: Uint8Array): EkvHeader {
  const fail = (problem: string): never => {
    throw new FileFormatError(file, problem);
  };
  if (bytes.length === 0) fail('empty file (expected an ekv file)');
  if (!hasEkvMagic(bytes))
    fail(`not an ekv file: expected the magic bytes \\x89EKV\\r\\n\\x1a\\n, found ${showBytes(bytes, 0, Math.min(bytes.length, 8))}`);
  if (bytes.length < EKV_HEADER_BYTES) fail(`truncated: ${bytes.length} bytes, shorter than the ${EKV_HEADER_BYTES}-byte ekv header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, EKV_HEADER_BYTES);
  const version = view.getUint32(EKV_FIELD.version, true);
  if (version !== EKV_VERSION) {
    fail(
      version > EKV_VERSION
        ? `unsupported ekv version ${version}: this embedkit reads version ${EKV_VERSION}; upgrade embedkit to read it`
        : `corrupt header: invalid ekv version ${version}`,
    );
  }
  const storedHeaderCrc = view.getUint32(EKV_FIELD.headerCrc, true);
  const headerCrc = crc32(bytes.subarray(0, EKV_FIELD.headerCrc));
  if (storedHeaderCrc !== headerCrc)
    fail(`corrupt header: checksum mismatch (stored ${hex32(storedHeaderCrc)}, computed ${hex32(headerCrc)})`);
  const u64 = (field: number, name: string): number => {
    const value = view.getBigUint64(field, true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) fail(`corrupt header: ${name} ${value} is too large`);
    return Number(value);
  };
  const header: EkvHeader = {
    version,
    flags: view.getUint32(EKV_FIELD.flags, true),
    rows: u64(EKV_FIELD.rows, 'rows'),
    dim: view.getUint32(EKV_FIELD.dim, true),
    headerBytes: view.getUint32(EKV_FIELD.headerBytes, true),
    wordsOffset: u64(EKV_FIELD.wordsOffset, 'words offset'),
    wordsLength: u64(EKV_FIELD.wordsLength, 'words length'),
    countsOffset: u64(EKV_FIELD.countsOffset, 'counts offset'),
    countsLength: u64(EKV_FIELD.countsLength, 'counts length'),
    vectorsOffset: u64(EKV_FIELD.vectorsOffset, 'vectors offset'),
    vectorsLength: u64(EKV_FIELD.vectorsLength, 'vectors length'),
    fileLength: u64(EKV_FIELD.fileLength, 'file length'),
    payloadCrc: view.getUint32(EKV_FIELD.payloadCrc, true),
  };
  if (header.flags & ~EKV_KNOWN_FLAGS) {
    fail(
      `unsupported ekv flags ${hex32(header.flags)} (version ${EKV_VERSION} knows ${hex32(EKV_KNOWN_FLAGS)}); upgrade embedkit to read it`,
    );
  }
  if (bytes.length < header.fileLength) {
    fail(`truncated: the header says the file is ${header.fileLength} bytes, it is ${bytes.length} bytes`);
  }
  if (bytes.length > header.fileLength) {
    fail(
      `${bytes.length - header.fileLength} unexpected bytes after the end of the data (the header says the file is ${header.fileLength} bytes)`,
    );
  }
  checkSections(header, fail);
  return header;
}

function checkSections(h: EkvHeader, fail: (problem: string) => never): void {
  if (h.headerBytes !== EKV_HEADER_BYTES) fail(`corrupt header: header size ${h.headerBytes}, expected ${EKV_HEADER_BYTES}`);
  if (h.dim === 0) fail('corrupt header: dimension 0');
  const hasCounts = (h.flags & EKV_FLAG_COUNTS) !== 0;
  if (h.vectorsLength !== h.rows * h.dim * 4) {
    fail(`corrupt header: vectors section is ${h.vectorsLength} bytes, expected rows × dim × 4 = ${h.rows} × ${h.dim} × 4`);
  }
  if (hasCounts ? h.countsLength !== h.rows * 8 : h.countsLength !== 0 || h.countsOffset !== 0) {
    fail(`corrupt header: counts section is ${h.countsLength} bytes for ${h.rows} rows (counts flag ${hasCounts ? 'set' : 'not set'})`);
  }
  if (h.wordsLength < 4 * (h.rows + 1)) fail(`corrupt header: words section (${h.wordsLength} bytes) too small for ${h.rows} offsets`);
  const sections: [string, number, number][] = [['words', h.wordsOffset, h.wordsLength]];
  if (hasCounts) sections.push(['counts', h.countsOffset, h.countsLength]);
  sections.push(['vectors', h.vectorsOffset, h.vectorsLength]);
  let previousEnd = h.headerBytes;
  for (const [name, offset, length] of sections) {
    if (offset % EKV_ALIGN !== 0) fail(`corrupt header: ${name} section offset ${offset} is not a multiple of ${EKV_ALIGN}`);
    if (offset < previousEnd || offset + length > h.fileLength) {
      fail(
        `corrupt header: ${name} section [${offset}, ${offset + length}) overlaps another or lies outside the file (${h.fileLength} bytes)`,
      );
    }
    previousEnd = offset + length;
  }
  if (previousEnd !== h.fileLength) fail(`corrupt header: ${h.fileLength - previousEnd} bytes after the vectors section`);
}

/** `bytes` where `byteOffset` is a multiple of {@link EKV_ALIGN}, copying only if it is not. */
function aligned(bytes: Uint8Array): Uint8Array {
  if (bytes.byteOffset % EKV_ALIGN === 0) return bytes;
  const copy = new Uint8Array(new ArrayBuffer(bytes.length));
  copy.set(bytes);
  return copy;
}

/**
 * Decodes a whole ekv file held in `fileBytes`. Vectors and counts are views into its buffer (no
 * copy; the buffer is copied once if it is not 64-byte aligned, or byte-swapped on a big-endian
 * machine). `limit` keeps the first rows only. Throws FileFormatError naming `file` for a wrong
 * magic, an unsupported version or flags, a truncated or oversized file, an inconsistent header,
 * a checksum mismatch (when `verifyChecksum`) or invalid words.
 */
export function decodeEkv(file: string, fileBytes: Uint8Array, limit: number, verifyChecksum: boolean): DecodedEkv {
  const bytes = aligned(fileBytes);
  const h = decodeEkvHeader(file, bytes);
  if (verifyChecksum) {
    const computed = crc32(bytes.subarray(h.headerBytes, h.fileLength));
    if (computed !== h.payloadCrc) {
      throw new FileFormatError(file, `corrupt: payload checksum mismatch (stored ${hex32(h.payloadCrc)}, computed ${hex32(computed)})`);
    }
  }
  const rows = Math.min(h.rows, limit);
  const base = bytes.byteOffset;
  const words = decodeWords(file, bytes, h, rows);
  const vectorBytes = new Uint8Array(bytes.buffer, base + h.vectorsOffset, rows * h.dim * 4);
  const countBytes = h.countsLength > 0 ? new Uint8Array(bytes.buffer, base + h.countsOffset, rows * 8) : undefined;
  if (!HOST_IS_LITTLE_ENDIAN) {
    swap32InPlace(vectorBytes);
    if (countBytes) swap64InPlace(countBytes);
  }
  return {
    words,
    vectors: new Float32Array(vectorBytes.buffer, vectorBytes.byteOffset, rows * h.dim),
    counts: countBytes ? new Float64Array(countBytes.buffer, countBytes.byteOffset, rows) : undefined,
    dim: h.dim,
    rowsInFile: h.rows,
  };
}

/**
 * The first `rows` words of the words section: packed (views into `bytes`, nothing decoded) when
 * each is valid UTF-8, else decoded to strings (invalid bytes become U+FFFD). Checks the offsets.
 */
function decodeWords(file: string, bytes: Uint8Array, h: EkvHeader, rows: number): PackedWords | string[] {
  const base = bytes.byteOffset;
  const textStart = h.wordsOffset + 4 * (h.rows + 1);
  const textLength = h.wordsLength - 4 * (h.rows + 1);
  // Sections start at multiples of 64 in a 64-byte-aligned buffer: a Uint32Array view is aligned.
  const offsets = new Uint32Array(bytes.buffer, base + h.wordsOffset, rows + 1);
  if (!HOST_IS_LITTLE_ENDIAN) swap32InPlace(new Uint8Array(offsets.buffer, offsets.byteOffset, offsets.byteLength));
  if (offsets[0] !== 0) throw new FileFormatError(file, `corrupt: first word offset is ${offsets[0]}, expected 0`);
  let previous = 0;
  for (let i = 1; i <= rows; i++) {
    const next = offsets[i];
    if (next < previous || next > textLength) {
      throw new FileFormatError(file, `corrupt: word offset ${i} (${next}) is out of order or beyond the words text (${textLength} bytes)`);
    }
    previous = next;
  }
  if (rows === h.rows && previous !== textLength) {
    throw new FileFormatError(file, `corrupt: words end at byte ${previous} of a ${textLength}-byte words text`);
  }
  const text = new Uint8Array(bytes.buffer, base + textStart, textLength);
  const packed = PackedWords.tryCreate(text, offsets);
  if (packed) return packed;
  const buffer = Buffer.from(text.buffer, text.byteOffset, text.length);
  const words = new Array<string>(rows);
  for (let i = 0; i < rows; i++) words[i] = buffer.toString('utf8', offsets[i], offsets[i + 1]);
  return words;
}
