import { crc32 } from '../core/crc32.js';

/**
 * The `.ekv` (embedkit vectors) layout, version 1 — documented in docs/formats/ekv.md.
 * All integers little-endian. The 128-byte header is followed by the words, counts (optional) and
 * vectors sections, each starting at a multiple of {@link EKV_ALIGN} bytes, zero-padded in between.
 */

/** First 8 bytes of every ekv file: `\x89EKV\r\n\x1a\n` (non-ASCII first byte and CR/LF/EOF bytes catch text-mode mangling). */
export const EKV_MAGIC = Uint8Array.of(0x89, 0x45, 0x4b, 0x56, 0x0d, 0x0a, 0x1a, 0x0a);

/** Format version written by this code, and the newest it reads. */
export const EKV_VERSION = 1;

/** Header size in bytes. */
export const EKV_HEADER_BYTES = 128;

/** Alignment of every section (a cache line; more than float32/float64 need). */
export const EKV_ALIGN = 64;

/** Flag bit: the counts section is present. */
export const EKV_FLAG_COUNTS = 1;

/** Flag bits version 1 defines; any other bit set makes the file unreadable for this version. */
export const EKV_KNOWN_FLAGS = EKV_FLAG_COUNTS;

/** Byte offsets of the header fields. */
export const EKV_FIELD = {
  magic: 0,
  version: 8,
  flags: 12,
  rows: 16,
  dim: 24,
  headerBytes: 28,
  wordsOffset: 32,
  wordsLength: 40,
  countsOffset: 48,
  countsLength: 56,
  vectorsOffset: 64,
  vectorsLength: 72,
  fileLength: 80,
  payloadCrc: 88,
  headerCrc: 124,
} as const;

/** The decoded header fields. */
export interface EkvHeader {
  version: number;
  flags: number;
  rows: number;
  dim: number;
  headerBytes: number;
  /** Words section: u32 byte offsets (rows + 1 of them) into the UTF-8 text that follows them. */
  wordsOffset: number;
  wordsLength: number;
  /** Counts section: one float64 per word; offset and length 0 when absent. */
  countsOffset: number;
  countsLength: number;
  /** Vectors section: rows × dim float32, row-major. */
  vectorsOffset: number;
  vectorsLength: number;
  fileLength: number;
  /** CRC-32 of bytes [headerBytes, fileLength). */
  payloadCrc: number;
}

/** Rounds `n` up to a multiple of {@link EKV_ALIGN}. */
export function alignUp(n: number): number {
  return Math.ceil(n / EKV_ALIGN) * EKV_ALIGN;
}

/** The 128 header bytes for `header`, header checksum included. */
export function encodeEkvHeader(header: EkvHeader): Uint8Array {
  const bytes = new Uint8Array(EKV_HEADER_BYTES);
  const view = new DataView(bytes.buffer);
  bytes.set(EKV_MAGIC, EKV_FIELD.magic);
  view.setUint32(EKV_FIELD.version, header.version, true);
  view.setUint32(EKV_FIELD.flags, header.flags, true);
  view.setBigUint64(EKV_FIELD.rows, BigInt(header.rows), true);
  view.setUint32(EKV_FIELD.dim, header.dim, true);
  view.setUint32(EKV_FIELD.headerBytes, header.headerBytes, true);
  view.setBigUint64(EKV_FIELD.wordsOffset, BigInt(header.wordsOffset), true);
  view.setBigUint64(EKV_FIELD.wordsLength, BigInt(header.wordsLength), true);
  view.setBigUint64(EKV_FIELD.countsOffset, BigInt(header.countsOffset), true);
  view.setBigUint64(EKV_FIELD.countsLength, BigInt(header.countsLength), true);
  view.setBigUint64(EKV_FIELD.vectorsOffset, BigInt(header.vectorsOffset), true);
  view.setBigUint64(EKV_FIELD.vectorsLength, BigInt(header.vectorsLength), true);
  view.setBigUint64(EKV_FIELD.fileLength, BigInt(header.fileLength), true);
  view.setUint32(EKV_FIELD.payloadCrc, header.payloadCrc, true);
  view.setUint32(EKV_FIELD.headerCrc, crc32(bytes.subarray(0, EKV_FIELD.headerCrc)), true);
  return bytes;
}

/** True when `bytes` start with {@link EKV_MAGIC}. */
export function hasEkvMagic(bytes: Uint8Array): boolean {
  if (bytes.length < EKV_MAGIC.length) return false;
  for (let i = 0; i < EKV_MAGIC.length; i++) if (bytes[i] !== EKV_MAGIC[i]) return false;
  return true;
}
