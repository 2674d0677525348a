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

/** Largest expansion of deflate data (zlib's limit is 1032:1): a gzip file's content is at most this many times its size. */
export const MAX_GZIP_RATIO = 1032;

/** What is known of the size of a file's content before it is read. */
export interface ContentSize {
  /** The exact byte size (a plain file), or undefined (gzip: known only once decompressed). */
  exact: number | undefined;
  /** An upper bound of the byte size: the exact size, or what the compressed bytes can expand to. */
  atMost: number;
}

/** Nothing known of the size (content pushed from elsewhere than a file). */
export const UNKNOWN_SIZE: ContentSize = { exact: undefined, atMost: Infinity };

/** The {@link ContentSize} of a `size`-byte file, gzip-compressed or not. */
export function contentSize(size: number, gzip: boolean): ContentSize {
  return gzip ? { exact: undefined, atMost: size * MAX_GZIP_RATIO + 64 } : { exact: size, atMost: size };
}

/**
 * Initial rows to allocate for `expected` rows when a row needs at least `minRowBytes` of the content:
 * no more than the content can hold (so a corrupt header cannot make a small file allocate much),
 * and for gzip content (size unknown) at most about 16 MiB up front.
 */
export function initialRows(expected: number, dim: number, size: ContentSize, minRowBytes: number): number {
  const byBound = Math.floor(size.atMost / minRowBytes) + 1;
  const bySize = size.exact === undefined ? Math.min(Math.floor((1 << 22) / dim) + 1, byBound) : byBound;
  return Math.max(1, Math.min(expected, bySize));
}

/** Shows bytes of a file in a message: decoded leniently, quoted, shortened. */
export function showBytes(bytes: Uint8Array, start: number, end: number, max = 60): string {
  const cut = Math.min(end, start + max);
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(start, cut));
  return JSON.stringify(text) + (cut < end ? '…' : '');
}
