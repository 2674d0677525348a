import { UsageError } from '../errors.js';
import type { KeyedVectors } from '../word/keyed-vectors.js';
import { detectFormat, detectFormatSync } from './detect.js';
import { getFormat } from './formats.js';
import { resolveReadOptions, type VectorReadOptions } from './read-options.js';
import type { LoadResult, VectorFormatName } from './vector-format.js';

/** Options of {@link loadVectors}. */
export interface LoadOptions extends VectorReadOptions {
  /** The file's format, or `'auto'` (default) to detect it from the content. */
  format?: 'auto' | VectorFormatName;
}

function formatOption(options: LoadOptions): 'auto' | VectorFormatName {
  const format = options.format ?? 'auto';
  if (format !== 'auto') getFormat(format); // throws UsageError for an unknown name
  return format;
}

function checkPath(file: unknown): asserts file is string {
  if (typeof file !== 'string' || file.length === 0) throw new UsageError(`path must be a non-empty string, got ${JSON.stringify(file)}`);
}

/**
 * Loads a vector file (ekv, word2vec text or binary, GloVe; optionally gzip-compressed) with its
 * details: format, rows read, duplicates dropped, warnings. Errors: FileFormatError for a bad file
 * (message names the file and the problem), UsageError for bad options, Node's own errors (ENOENT,
 * EACCES, …) for files that cannot be opened.
 */
export async function loadVectorsWithInfo(file: string, options: LoadOptions = {}): Promise<LoadResult> {
  checkPath(file);
  const format = formatOption(options);
  resolveReadOptions(options);
  const name = format === 'auto' ? (await detectFormat(file)).format : format;
  return getFormat(name).read(file, options);
}

/** Synchronous {@link loadVectorsWithInfo} (gzip files are decompressed in memory in one piece). */
export function loadVectorsWithInfoSync(file: string, options: LoadOptions = {}): LoadResult {
  checkPath(file);
  const format = formatOption(options);
  resolveReadOptions(options);
  const name = format === 'auto' ? detectFormatSync(file).format : format;
  return getFormat(name).readSync(file, options);
}

/**
 * Loads word vectors from `file`, detecting the format from the content unless `options.format` is
 * given. Words keep the file's order; counts are kept when the format stores them (ekv). With
 * `limit`, only the first `limit` vectors are read. See {@link loadVectorsWithInfo} for errors.
 */
export async function loadVectors(file: string, options: LoadOptions = {}): Promise<KeyedVectors> {
  return (await loadVectorsWithInfo(file, options)).vectors;
}

/** Synchronous {@link loadVectors}. */
export function loadVectorsSync(file: string, options: LoadOptions = {}): KeyedVectors {
  return loadVectorsWithInfoSync(file, options).vectors;
}
