import { FileFormatError } from '../../errors.js';
import { readPrefix, readPrefixSync } from '../core/file-chunks.js';
import { describeContent, SNIFF_BYTES, sniffFormat } from './sniff.js';
import type { VectorFormatName } from './vector-format.js';

/** A detected format. */
export interface Detection {
  format: VectorFormatName;
  /** The file is gzip-compressed (the format is that of the decompressed content). */
  gzip: boolean;
}

/**
 * The format of the bytes `prefix` (the first bytes of a file's decompressed content; `atEof` when
 * they are all of it). Throws FileFormatError "`file`: not a recognised vector format (…)" describing
 * what was found (empty file, PNG, JSON, pickle, fastText .bin, binary data, other text, …).
 */
export function detectFormatOfBytes(file: string, prefix: Uint8Array, atEof: boolean): VectorFormatName {
  const format = sniffFormat(prefix, atEof);
  if (format === undefined) throw new FileFormatError(file, `not a recognised vector format (${describeContent(prefix, atEof)})`);
  return format;
}

/** Detects the format of `file` from its content (gzip is looked through), not its name. */
export async function detectFormat(file: string): Promise<Detection> {
  const prefix = await readPrefix(file, SNIFF_BYTES);
  return { format: detectFormatOfBytes(file, prefix.bytes, prefix.atEof), gzip: prefix.gzip };
}

/** Synchronous {@link detectFormat}. */
export function detectFormatSync(file: string): Detection {
  const prefix = readPrefixSync(file, SNIFF_BYTES);
  return { format: detectFormatOfBytes(file, prefix.bytes, prefix.atEof), gzip: prefix.gzip };
}
