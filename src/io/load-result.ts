import { FileFormatError, UsageError } from '../errors.js';
import { KeyedVectors, type KeyedVectorsInit } from '../word/keyed-vectors.js';
import { PackedWords } from '../word/packed-words.js';
import { dropDuplicateRows } from './dedupe.js';
import type { ResolvedReadOptions } from './read-options.js';
import type { LoadResult, VectorFormatName } from './vector-format.js';
import { quoteWord } from './words.js';

/** What a format reader produced, before it becomes a {@link LoadResult}. */
export interface RawVectors {
  /** Words in file order, possibly with duplicates (packed: UTF-8 bytes decoded when read, see ekv). */
  words: string[] | PackedWords;
  vectors: Float32Array;
  dim: number;
  counts?: Float64Array;
  /** Vectors read from the file (≤ limit). */
  rowsRead: number;
}

function build(file: string, init: KeyedVectorsInit): KeyedVectors {
  try {
    return new KeyedVectors(init);
  } catch (error) {
    if (error instanceof UsageError) throw new FileFormatError(file, `corrupt: ${error.message}`);
    throw error;
  }
}

/**
 * Wraps `raw` into a KeyedVectors and a {@link LoadResult}. Duplicate words are handled by
 * `duplicates` (`'corrupt'` for formats that never contain them, like ekv); dropped duplicates are
 * reported as a warning (returned and passed to `onWarning`).
 */
export function toLoadResult(
  file: string,
  format: VectorFormatName,
  gzip: boolean,
  raw: RawVectors,
  options: ResolvedReadOptions,
  duplicates: ResolvedReadOptions['duplicates'] | 'corrupt' = options.duplicates,
): LoadResult {
  const { words, vectors, dim, counts } = raw;
  let kv: KeyedVectors;
  let dropped = 0;
  let firstDropped: string | undefined;
  try {
    // Fast path: assume unique words and let the KeyedVectors index find out (one hash map, not two).
    kv = new KeyedVectors({ words, vectors, dim, counts });
  } catch (error) {
    if (!(error instanceof UsageError) || duplicates === 'corrupt') {
      if (error instanceof UsageError) throw new FileFormatError(file, `corrupt: ${error.message}`);
      throw error;
    }
    const deduped = dropDuplicateRows(file, words instanceof PackedWords ? words.toArray() : words, vectors, dim, counts, duplicates);
    dropped = deduped.dropped;
    firstDropped = deduped.firstDropped;
    kv = build(file, { words: deduped.words, vectors: deduped.vectors, dim, counts: deduped.counts });
  }
  const warnings: string[] = [];
  if (dropped > 0) {
    warnings.push(
      `${file}: skipped ${dropped} duplicate word${dropped === 1 ? '' : 's'} (kept the first occurrence)` +
        (firstDropped === undefined ? '' : `, e.g. ${quoteWord(firstDropped)}`),
    );
  }
  for (const warning of warnings) options.onWarning?.(warning);
  return { vectors: kv, format, gzip, rowsRead: raw.rowsRead, duplicatesSkipped: dropped, warnings };
}
