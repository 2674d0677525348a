import { UsageError } from '../../errors.js';
import { checkPath } from '../core/check-path.js';
import { detectFormat, detectFormatSync } from './detect.js';
import { getFormat } from './formats.js';
import { resolveReadOptions, type VectorReadOptions } from './read-options.js';
import type { VectorFormatName, WordVectorsFile } from './vector-format.js';

/** Options of {@link readWordVectors}. */
export interface ReadWordVectorsOptions extends VectorReadOptions {
  /** The file's format, or `'auto'` (default) to detect it from the content. */
  format?: 'auto' | VectorFormatName;
}

function formatOption(options: ReadWordVectorsOptions): 'auto' | VectorFormatName {
  const format = options.format ?? 'auto';
  if (typeof format !== 'string') throw new UsageError(`format must be a string, got ${JSON.stringify(format)}`);
  if (format !== 'auto') getFormat(format); // throws UsageError for an unknown name
  return format;
}

/**
 * Reads a word-vector file (ekv, word2vec text or binary, GloVe; optionally gzip-compressed) as
 * plain data, rows in file order (a repeated word is kept: see `duplicates` in the result; the
 * vectors layer's `loadVectors` drops or rejects it). The format is detected from the content
 * unless `options.format` is given. Errors: FileFormatError for a bad file (the message names the
 * file and the problem), UsageError for bad options, Node's own errors (ENOENT, EACCES, …) for files
 * that cannot be opened.
 */
export async function readWordVectors(file: string, options: ReadWordVectorsOptions = {}): Promise<WordVectorsFile> {
  checkPath(file);
  const format = formatOption(options);
  resolveReadOptions(options);
  const name = format === 'auto' ? (await detectFormat(file)).format : format;
  return getFormat(name).read(file, options);
}

/** Synchronous {@link readWordVectors} (gzip files are decompressed in memory in one piece). */
export function readWordVectorsSync(file: string, options: ReadWordVectorsOptions = {}): WordVectorsFile {
  checkPath(file);
  const format = formatOption(options);
  resolveReadOptions(options);
  const name = format === 'auto' ? detectFormatSync(file).format : format;
  return getFormat(name).readSync(file, options);
}
