import type { CollectedVectors } from './vector-collector.js';

/** Result of parsing a streamed vector file. */
export interface ParsedVectors extends CollectedVectors {
  /** Vectors read from the file, duplicates included (≤ limit). */
  rowsRead: number;
}

/**
 * An incremental parser: the file's bytes are pushed in chunks of any size, so the same parser serves
 * async streams, sync reads and gzip-decompressed input, and never needs the whole file as one string.
 */
export interface PushParser {
  /** Consumes the next bytes. Returns false when no more input is needed (the `limit` was reached). */
  push(chunk: Uint8Array): boolean;
  /** Ends the input: checks completeness (throwing FileFormatError if truncated) and returns the vectors. */
  finish(): ParsedVectors;
}

/** Initial rows to allocate for `expected` rows when a row needs at least `minRowBytes` of a `size`-byte file. */
export function initialRows(expected: number, dim: number, size: number | undefined, minRowBytes: number): number {
  const bySize = size === undefined ? Math.floor((1 << 22) / dim) + 1 : Math.floor(size / minRowBytes) + 1;
  return Math.max(1, Math.min(expected, bySize));
}

/** Shows bytes of a file in a message: decoded leniently, quoted, shortened. */
export function showBytes(bytes: Uint8Array, start: number, end: number, max = 60): string {
  const cut = Math.min(end, start + max);
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(start, cut));
  return JSON.stringify(text) + (cut < end ? '…' : '');
}
