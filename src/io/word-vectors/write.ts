import { UsageError } from '../../errors.js';
import { checkPath } from '../core/check-path.js';
import { formatForPath, getFormat } from './formats.js';
import type { VectorFormat, VectorFormatName, WordVectorsData, WriteOptions } from './vector-format.js';

/** Options of {@link writeWordVectors}. */
export interface WriteWordVectorsOptions extends WriteOptions {
  /** Format to write; default: from the file extension (`.ekv`, `.bin`, `.vec`; `.txt` is ambiguous). */
  format?: VectorFormatName;
}

function resolve(data: WordVectorsData, file: string, options: WriteWordVectorsOptions): VectorFormat {
  if (data === null || typeof data !== 'object' || !(data.vectors instanceof Float32Array) || !Array.isArray(data.words)) {
    throw new UsageError('expected word vectors: { words: string[], vectors: Float32Array, dim, counts? } or a KeyedVectors');
  }
  if (!Number.isInteger(data.dim) || data.dim < 1 || data.vectors.length < data.words.length * data.dim) {
    throw new UsageError(`vectors must hold words.length × dim = ${data.words.length} × ${data.dim} floats, got ${data.vectors.length}`);
  }
  checkPath(file);
  return options.format === undefined ? formatForPath(file) : getFormat(options.format);
}

/**
 * Writes word vectors to `file` atomically (a temporary file renamed over the target: on any error
 * the old file is untouched). Counts are written when the format stores them (ekv) and dropped
 * otherwise. UsageError for an unknown or ambiguous format or words the format cannot hold (e.g. a
 * space in a word2vec file).
 */
export async function writeWordVectors(data: WordVectorsData, file: string, options: WriteWordVectorsOptions = {}): Promise<void> {
  await resolve(data, file, options).write(data, file, options);
}

/** Synchronous {@link writeWordVectors}. */
export function writeWordVectorsSync(data: WordVectorsData, file: string, options: WriteWordVectorsOptions = {}): void {
  resolve(data, file, options).writeSync(data, file, options);
}
