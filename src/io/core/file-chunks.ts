import fs from 'node:fs';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { FileFormatError } from '../../errors.js';
import { openRangeSource, openRangeSourceSync, withRangeSource, withRangeSourceSync, type RangeSource } from './range-source.js';

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

/** A file's layout before decompression. */
export interface FileInfo {
  /** Whether the file is gzip-compressed. */
  gzip: boolean;
  /** Size in bytes before decompression (compressed size for gzip files; plaintext size for encrypted ones). */
  size: number;
}

const VECTOR_FILE = { what: 'vector file' };

/**
 * Size of `file` and whether it is gzip-compressed (by content, not name). An encrypted file
 * (io/crypto) is looked at through its decryption: gzip inside the envelope counts.
 */
export function fileInfoSync(file: string): FileInfo {
  return withRangeSourceSync(file, (source) => ({ gzip: isGzip(source.read(0, 2)), size: source.size }), VECTOR_FILE);
}

/** Async {@link fileInfoSync}. */
export async function fileInfo(file: string): Promise<FileInfo> {
  return withRangeSource(file, async (source) => ({ gzip: isGzip(await source.read(0, 2)), size: source.size }), VECTOR_FILE);
}

const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** The decrypted content of an encrypted source in pieces of CHUNK_BYTES; closes the source. */
async function* decryptedPieces(source: RangeSource): AsyncGenerator<Buffer> {
  try {
    for (let position = 0; position < source.size; position += CHUNK_BYTES) yield asBuffer(await source.read(position, CHUNK_BYTES));
  } finally {
    await source.close();
  }
}

/** Decompresses a stream of gzip bytes, with zlib errors turned into FileFormatErrors naming `file`. */
async function* gunzipped(file: string, raw: Readable): AsyncGenerator<Buffer> {
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
 * The bytes of `file` in chunks of about {@link CHUNK_BYTES}, decompressed if the file is gzip.
 * Each chunk is a fresh buffer (consumers may keep references). Breaking out of the loop closes the file.
 * Corrupt or truncated gzip data raises a FileFormatError. An encrypted file is decrypted as it is
 * read (1 MiB at a time) and `gzip` then means gzip inside the envelope.
 */
export async function* readChunks(file: string, gzip: boolean): AsyncGenerator<Buffer> {
  const source = await openRangeSource(file, VECTOR_FILE);
  if (source.encrypted) {
    if (gzip) yield* gunzipped(file, Readable.from(decryptedPieces(source), { objectMode: false }));
    else yield* decryptedPieces(source);
    return;
  }
  await source.close();
  const raw = fs.createReadStream(file, { highWaterMark: CHUNK_BYTES });
  if (!gzip) {
    try {
      for await (const chunk of raw) yield chunk as Buffer;
    } finally {
      raw.destroy();
    }
    return;
  }
  yield* gunzipped(file, raw);
}

/**
 * Synchronous {@link readChunks}. A gzip file is decompressed in one piece (zlib has no synchronous
 * streaming API), so it needs memory for the whole decompressed content; prefer the async readers
 * for big compressed files.
 */
export function* readChunksSync(file: string, gzip: boolean): Generator<Buffer> {
  const source = openRangeSourceSync(file, VECTOR_FILE);
  try {
    if (gzip) {
      let data: Buffer;
      try {
        data = zlib.gunzipSync(source.read(0, source.size));
      } catch (error) {
        throw gzipError(file, error);
      }
      for (let i = 0; i < data.length; i += CHUNK_BYTES) yield data.subarray(i, Math.min(data.length, i + CHUNK_BYTES));
      return;
    }
    for (let position = 0; position < source.size; position += CHUNK_BYTES) {
      const chunk = source.read(position, CHUNK_BYTES);
      if (chunk.length === 0) return;
      yield asBuffer(chunk);
    }
  } finally {
    source.close();
  }
}

/** The first bytes of a file's (decompressed) content. */
export interface Prefix {
  bytes: Buffer;
  /** True when `bytes` is the whole content. */
  atEof: boolean;
  gzip: boolean;
}

/** Reads up to `maxBytes` of the (decompressed, decrypted) content of `file`, for format detection. */
export function readPrefixSync(file: string, maxBytes: number): Prefix {
  return withRangeSourceSync(
    file,
    (source) => {
      const size = source.size;
      const head = asBuffer(source.read(0, Math.min(size, maxBytes)));
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
    },
    VECTOR_FILE,
  );
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
