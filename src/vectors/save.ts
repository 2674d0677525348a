import { UsageError } from '../errors.js';
import { writeWordVectors, writeWordVectorsSync, type WriteWordVectorsOptions } from '../io/word-vectors/write.js';
import { KeyedVectors } from './keyed-vectors.js';

/** Options of {@link saveVectors}. */
export type SaveOptions = WriteWordVectorsOptions;

function check(kv: KeyedVectors): void {
  if (!(kv instanceof KeyedVectors)) throw new UsageError('saveVectors expects a KeyedVectors');
}

/**
 * Writes `kv` to `file` atomically (a temporary file renamed over the target: on any error the old
 * file is untouched). Counts are written when the format stores them (ekv) and dropped otherwise.
 * UsageError for an unknown or ambiguous format or words the format cannot hold (e.g. a space in a
 * word2vec file). Converting between formats = {@link loadVectors} + `saveVectors`.
 */
export async function saveVectors(kv: KeyedVectors, file: string, options: SaveOptions = {}): Promise<void> {
  check(kv);
  await writeWordVectors(kv, file, options);
}

/** Synchronous {@link saveVectors}. */
export function saveVectorsSync(kv: KeyedVectors, file: string, options: SaveOptions = {}): void {
  check(kv);
  writeWordVectorsSync(kv, file, options);
}
