import { isGzip, readChunks, readChunksSync } from './file-chunks.js';
import { withRangeSource, withRangeSourceSync } from './range-source.js';

/** A whole file's content in its own ArrayBuffer (offset 0, so typed-array views of it are aligned). */
export interface WholeFile {
  bytes: Uint8Array;
  /** The file was gzip-compressed (and `bytes` is the decompressed content). */
  gzip: boolean;
}

function concatAligned(parts: Uint8Array[]): Uint8Array {
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const bytes = new Uint8Array(new ArrayBuffer(total));
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return bytes;
}

/**
 * Reads `file` into one fresh ArrayBuffer with a single allocation (no intermediate copies), or
 * decompresses it first if it is gzip. An encrypted file (io/crypto) is decrypted chunk by chunk
 * straight into that buffer: its plaintext exists once, the ciphertext is never held whole.
 */
export function readWholeFileSync(file: string): WholeFile {
  const bytes = withRangeSourceSync(file, (source) => source.read(0, source.size), { what: 'vector file' });
  if (!isGzip(bytes)) return { bytes, gzip: false };
  return { bytes: concatAligned([...readChunksSync(file, true)]), gzip: true };
}

/** Async {@link readWholeFileSync}. */
export async function readWholeFile(file: string): Promise<WholeFile> {
  const bytes = await withRangeSource(file, (source) => source.read(0, source.size), { what: 'vector file' });
  if (!isGzip(bytes)) return { bytes, gzip: false };
  const parts: Uint8Array[] = [];
  for await (const chunk of readChunks(file, true)) parts.push(chunk);
  return { bytes: concatAligned(parts), gzip: true };
}
