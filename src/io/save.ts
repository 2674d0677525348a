import { UsageError } from '../errors.js';
import { KeyedVectors } from '../word/keyed-vectors.js';
import { formatForPath, getFormat } from './formats.js';
import type { VectorFormat, VectorFormatName, WriteOptions } from './vector-format.js';

/** Options of {@link saveVectors}. */
export interface SaveOptions extends WriteOptions {
  /** Format to write; default: from the file extension (`.ekv`, `.bin`, `.vec`; `.txt` is ambiguous). */
  format?: VectorFormatName;
}

function resolve(kv: KeyedVectors, file: string, options: SaveOptions): VectorFormat {
  if (!(kv instanceof KeyedVectors)) throw new UsageError('saveVectors expects a KeyedVectors');
  if (typeof file !== 'string' || file.length === 0) throw new UsageError(`path must be a non-empty string, got ${JSON.stringify(file)}`);
  return options.format === undefined ? formatForPath(file) : getFormat(options.format);
}

/**
 * Writes `kv` to `file` atomically (a temporary file renamed over the target: on any error the old
 * file is untouched). Counts are written when the format stores them (ekv) and dropped otherwise.
 * UsageError for an unknown or ambiguous format or words the format cannot hold (e.g. a space in a
 * word2vec file). Converting between formats = {@link loadVectors} + `saveVectors`.
 */
export async function saveVectors(kv: KeyedVectors, file: string, options: SaveOptions = {}): Promise<void> {
  await resolve(kv, file, options).write(kv, file, options);
}

/** Synchronous {@link saveVectors}. */
export function saveVectorsSync(kv: KeyedVectors, file: string, options: SaveOptions = {}): void {
  resolve(kv, file, options).writeSync(kv, file, options);
}
