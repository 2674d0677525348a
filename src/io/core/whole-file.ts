import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { assertNotDirectory, isGzip, readChunks, readChunksSync } from './file-chunks.js';

/** Largest single read request (reads of more than 2 GiB fail on some platforms). */
const MAX_READ = 1 << 30;

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
 * decompresses it first if it is gzip.
 */
export function readWholeFileSync(file: string): WholeFile {
  const fd = fs.openSync(file, 'r');
  let bytes: Uint8Array;
  try {
    const stats = fs.fstatSync(fd);
    assertNotDirectory(file, stats);
    const size = stats.size;
    bytes = new Uint8Array(new ArrayBuffer(size));
    let filled = 0;
    while (filled < size) {
      const n = fs.readSync(fd, bytes, filled, Math.min(size - filled, MAX_READ), filled);
      if (n === 0) break;
      filled += n;
    }
    bytes = bytes.subarray(0, filled);
  } finally {
    fs.closeSync(fd);
  }
  if (!isGzip(bytes)) return { bytes, gzip: false };
  return { bytes: concatAligned([...readChunksSync(file, true)]), gzip: true };
}

/** Async {@link readWholeFileSync}. */
export async function readWholeFile(file: string): Promise<WholeFile> {
  const handle = await fsp.open(file, 'r');
  let bytes: Uint8Array;
  try {
    const stats = await handle.stat();
    assertNotDirectory(file, stats);
    const size = stats.size;
    bytes = new Uint8Array(new ArrayBuffer(size));
    let filled = 0;
    while (filled < size) {
      const { bytesRead } = await handle.read(bytes, filled, Math.min(size - filled, MAX_READ), filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    bytes = bytes.subarray(0, filled);
  } finally {
    await handle.close();
  }
  if (!isGzip(bytes)) return { bytes, gzip: false };
  const parts: Uint8Array[] = [];
  for await (const chunk of readChunks(file, true)) parts.push(chunk);
  return { bytes: concatAligned(parts), gzip: true };
}
