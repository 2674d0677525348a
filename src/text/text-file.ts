import { open, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { EmbedkitError, FileFormatError } from '../errors.js';
import { FILE_ERROR_CODES, fileAccessError, gzipStreamError } from './file-errors.js';

/** An input file opened for streaming: its decompressed bytes, and how many file bytes were read. */
export interface OpenedTextFile {
  /** The file's content, decompressed if it is gzip data. */
  readonly chunks: AsyncIterable<Buffer>;
  /** Bytes of the file itself (compressed bytes for gzip) read so far. */
  readonly bytesRead: number;
  /** Whether the content is gzip-compressed. */
  readonly gzip: boolean;
  /** Releases the file; safe to call more than once. */
  close(): void;
}

/** Options of {@link openTextFile}. */
export interface OpenTextFileOptions {
  /** Bytes per read, and per decompressed chunk (at least 64 for gzip). */
  readonly chunkSize: number;
  /** Stops reading: the pending read rejects with `signal.reason`. */
  readonly signal?: AbortSignal;
}

const OTHER_FORMATS: readonly { readonly magic: readonly number[]; readonly name: string }[] = [
  { magic: [0x42, 0x5a, 0x68], name: 'bzip2' },
  { magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], name: 'xz' },
  { magic: [0x28, 0xb5, 0x2f, 0xfd], name: 'zstd' },
  { magic: [0x50, 0x4b, 0x03, 0x04], name: 'zip' },
];

function startsWith(head: Buffer, magic: readonly number[]): boolean {
  return head.length >= magic.length && magic.every((b, i) => head[i] === b);
}

/**
 * Opens `file` for streaming. Gzip data is recognised by its magic bytes (1f 8b), whatever the
 * name; a `.gz` name without them, and other compressed formats, are a {@link FileFormatError}.
 * Pipes and other non-regular files cannot be sniffed: they are gunzipped if named `.gz`.
 * @throws EmbedkitError naming the file if it is missing, a directory or unreadable.
 */
export async function openTextFile(file: string, options: OpenTextFileOptions): Promise<OpenedTextFile> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    throw fileAccessError(file, err);
  }
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw new EmbedkitError(`${file}: is a directory, not a file`, FILE_ERROR_CODES.notAFile);
    const named = /\.gz$/i.test(file);
    let gzip = named;
    if (stat.isFile()) {
      const head = Buffer.alloc(6);
      const { bytesRead } = await handle.read(head, 0, head.length, 0);
      const sniffed = head.subarray(0, bytesRead);
      gzip = startsWith(sniffed, [0x1f, 0x8b]);
      const other = OTHER_FORMATS.find((f) => startsWith(sniffed, f.magic));
      if (other !== undefined) {
        throw new FileFormatError(file, `is ${other.name}-compressed; only gzip and plain text are supported, decompress it first`);
      }
      if (named && !gzip && bytesRead > 0) {
        throw new FileFormatError(file, 'has a .gz name but is not gzip data (it does not start with the bytes 1f 8b)');
      }
    }
    return streamFile(file, handle, gzip, options);
  } catch (err) {
    await handle.close().catch(() => undefined);
    throw fileAccessError(file, err);
  }
}

function streamFile(file: string, handle: FileHandle, gzip: boolean, options: OpenTextFileOptions): OpenedTextFile {
  const { chunkSize, signal } = options;
  const raw = handle.createReadStream({ highWaterMark: chunkSize, autoClose: true });
  let source: Readable = raw;
  if (gzip) {
    const gunzip = createGunzip({ chunkSize: Math.max(64, chunkSize) }); // zlib's minimum is 64
    raw.on('error', (err) => gunzip.destroy(err));
    source = raw.pipe(gunzip);
  }
  const onAbort = (): void => {
    source.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    signal?.removeEventListener('abort', onAbort);
    source.destroy();
    raw.destroy();
  };
  async function* chunks(): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of source) yield chunk as Buffer;
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      throw gzip ? gzipStreamError(file, err) : fileAccessError(file, err);
    } finally {
      close();
    }
  }
  return {
    chunks: chunks(),
    get bytesRead() {
      return raw.bytesRead;
    },
    gzip,
    close,
  };
}
