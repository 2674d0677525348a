import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { UsageError } from '../../errors.js';
import { openAtomicWriter, writeFileAtomicSync } from './atomic-write.js';
import type { WriteOptions } from '../word-vectors/vector-format.js';

const gzipAsync = promisify(zlib.gzip);

/** Whether to gzip `file`: `options.gzip` if given, else whether the name ends in `.gz`. */
export function wantsGzip(file: string, options: WriteOptions = {}): boolean {
  if (options.gzip !== undefined && typeof options.gzip !== 'boolean')
    throw new UsageError(`gzip must be a boolean, got ${String(options.gzip)}`);
  return options.gzip ?? file.toLowerCase().endsWith('.gz');
}

/**
 * Writes `chunks` to `file` atomically, each chunk gzip-compressed as its own gzip member when
 * `gzip` (a multi-member gzip file, which gzip, zcat, Python and Node all read as one stream).
 */
export async function writeChunks(file: string, chunks: Iterable<Uint8Array>, gzip: boolean): Promise<void> {
  const writer = await openAtomicWriter(file);
  try {
    for (const chunk of chunks) await writer.write(gzip ? await gzipAsync(chunk) : chunk);
  } catch (error) {
    await writer.abort();
    throw error;
  }
  await writer.commit();
}

function* gzipped(chunks: Iterable<Uint8Array>): Generator<Uint8Array> {
  for (const chunk of chunks) yield zlib.gzipSync(chunk);
}

/** Synchronous {@link writeChunks}. */
export function writeChunksSync(file: string, chunks: Iterable<Uint8Array>, gzip: boolean): void {
  writeFileAtomicSync(file, gzip ? gzipped(chunks) : chunks);
}
