import fs from 'node:fs';
import fsp from 'node:fs/promises';
import zlib from 'node:zlib';
import { FileFormatError } from '../../errors.js';

/** Size of the chunks read from disk. */
export const CHUNK_BYTES = 1 << 20;

/** True when `bytes` start with the gzip magic number 1F 8B. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Turns a zlib error into a FileFormatError naming the file; other errors are returned unchanged. */
export function gzipError(file: string, error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('Z_')) return error;
  const message = (error as Error).message;
  if (code === 'Z_BUF_ERROR') return new FileFormatError(file, `truncated gzip data (${message})`);
  return new FileFormatError(file, `corrupt gzip data (${message})`);
}

/** Throws a FileFormatError when `stats` is a directory (reading it would fail with a message not naming it). */
export function assertNotDirectory(file: string, stats: fs.Stats): void {
  if (stats.isDirectory()) throw new FileFormatError(file, 'is a directory, not a vector file');
}

function readHeadSync(fd: number, length: number): Buffer {
  const head = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const n = fs.readSync(fd, head, filled, length - filled, filled);
    if (n === 0) break;
    filled += n;
  }
  return head.subarray(0, filled);
}

/** A file's layout before decompression. */
export interface FileInfo {
  /** Whether the file is gzip-compressed. */
  gzip: boolean;
  /** Size on disk in bytes (compressed size for gzip files). */
  size: number;
}

/** Size of `file` and whether it is gzip-compressed (by content, not name). */
export function fileInfoSync(file: string): FileInfo {
  const fd = fs.openSync(file, 'r');
  try {
    const stats = fs.fstatSync(fd);
    assertNotDirectory(file, stats);
    return { gzip: isGzip(readHeadSync(fd, 2)), size: stats.size };
  } finally {
    fs.closeSync(fd);
  }
}

/** Async {@link fileInfoSync}. */
export async function fileInfo(file: string): Promise<FileInfo> {
  const handle = await fsp.open(file, 'r');
  try {
    const stats = await handle.stat();
    assertNotDirectory(file, stats);
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return { gzip: isGzip(head.subarray(0, bytesRead)), size: stats.size };
  } finally {
    await handle.close();
  }
}

/**
 * The bytes of `file` in chunks of about {@link CHUNK_BYTES}, decompressed if the file is gzip.
 * Each chunk is a fresh buffer (consumers may keep references). Breaking out of the loop closes the file.
 * Corrupt or truncated gzip data raises a FileFormatError.
 */
export async function* readChunks(file: string, gzip: boolean): AsyncGenerator<Buffer> {
  const raw = fs.createReadStream(file, { highWaterMark: CHUNK_BYTES });
  if (!gzip) {
    try {
      for await (const chunk of raw) yield chunk as Buffer;
    } finally {
      raw.destroy();
    }
    return;
  }
  const gunzip = zlib.createGunzip({ chunkSize: CHUNK_BYTES });
  raw.on('error', (error) => gunzip.destroy(error));
  raw.pipe(gunzip);
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } catch (error) {
    throw gzipError(file, error);
  } finally {
    raw.unpipe(gunzip);
    raw.destroy();
    gunzip.destroy();
  }
}

/**
 * Synchronous {@link readChunks}. A gzip file is decompressed in one piece (zlib has no synchronous
 * streaming API), so it needs memory for the whole decompressed content; prefer the async readers
 * for big compressed files.
 */
export function* readChunksSync(file: string, gzip: boolean): Generator<Buffer> {
  if (gzip) {
    let data: Buffer;
    try {
      data = zlib.gunzipSync(fs.readFileSync(file));
    } catch (error) {
      throw gzipError(file, error);
    }
    for (let i = 0; i < data.length; i += CHUNK_BYTES) yield data.subarray(i, Math.min(data.length, i + CHUNK_BYTES));
    return;
  }
  const fd = fs.openSync(file, 'r');
  try {
    for (;;) {
      const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
      const n = fs.readSync(fd, chunk, 0, CHUNK_BYTES, null);
      if (n === 0) return;
      yield chunk.subarray(0, n);
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** The first bytes of a file's (decompressed) content. */
export interface Prefix {
  bytes: Buffer;
  /** True when `bytes` is the whole content. */
  atEof: boolean;
  gzip: boolean;
}

/** Reads up to `maxBytes` of the (decompressed) content of `file`, for format detection. */
export function readPrefixSync(file: string, maxBytes: number): Prefix {
  const fd = fs.openSync(file, 'r');
  try {
    const stats = fs.fstatSync(fd);
    assertNotDirectory(file, stats);
    const size = stats.size;
    const head = readHeadSync(fd, Math.min(size, maxBytes));
    if (!isGzip(head)) return { bytes: head, atEof: head.length >= size, gzip: false };
    let bytes: Buffer;
    try {
      // Z_SYNC_FLUSH decompresses what a partial gzip stream holds instead of failing at its end.
      bytes = zlib.gunzipSync(head, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    } catch (error) {
      throw gzipError(file, error);
    }
    const complete = head.length >= size;
    return { bytes: bytes.subarray(0, maxBytes), atEof: complete && bytes.length <= maxBytes, gzip: true };
  } finally {
    fs.closeSync(fd);
  }
}

/** Async {@link readPrefixSync}. */
export async function readPrefix(file: string, maxBytes: number): Promise<Prefix> {
  const { gzip } = await fileInfo(file);
  const parts: Buffer[] = [];
  let total = 0;
  let atEof = true;
  for await (const chunk of readChunks(file, gzip)) {
    parts.push(chunk);
    total += chunk.length;
    if (total >= maxBytes) {
      atEof = false;
      break;
    }
  }
  const bytes = Buffer.concat(parts);
  if (bytes.length > maxBytes) return { bytes: bytes.subarray(0, maxBytes), atEof: false, gzip };
  return { bytes, atEof, gzip };
}
