import { FileFormatError } from '../../errors.js';
import type { DuplicatePolicy } from './vector-collector.js';
import { quoteWord } from './words.js';

/** Rows after duplicate removal. */
export interface DedupedRows {
  words: string[];
  vectors: Float32Array;
  counts: Float64Array | undefined;
  /** Rows dropped. */
  dropped: number;
  /** The first dropped word. */
  firstDropped: string | undefined;
}

/**
 * Removes rows whose word already appeared (keeping the first), compacting `vectors` and `counts`
 * in place; with policy `'error'`, throws a FileFormatError naming `file`, the word and both rows
 * (1-based, in file order). Only called when a duplicate is known to exist, so the common path
 * builds a single word index (the KeyedVectors one).
 */
export function dropDuplicateRows(
  file: string,
  words: readonly string[],
  vectors: Float32Array,
  dim: number,
  counts: Float64Array | undefined,
  policy: DuplicatePolicy,
): DedupedRows {
  const first = new Map<string, number>();
  const kept: string[] = [];
  let firstDropped: string | undefined;
  for (let row = 0; row < words.length; row++) {
    const word = words[row];
    const seen = first.get(word);
    if (seen !== undefined) {
      if (policy === 'error') {
        throw new FileFormatError(
          file,
          `duplicate word ${quoteWord(word)} in vectors ${seen + 1} and ${row + 1}; use duplicates: 'keep-first' to keep the first`,
        );
      }
      firstDropped ??= word;
      continue;
    }
    first.set(word, row);
    const to = kept.length;
    if (to !== row) {
      vectors.copyWithin(to * dim, row * dim, (row + 1) * dim);
      if (counts) counts[to] = counts[row];
    }
    kept.push(word);
  }
  return {
    words: kept,
    vectors: vectors.subarray(0, kept.length * dim),
    counts: counts?.subarray(0, kept.length),
    dropped: words.length - kept.length,
    firstDropped,
  };
}
