import { FileFormatError, UsageError } from '../errors.js';
import { dropDuplicateRows } from '../io/word-vectors/dedupe.js';
import { PackedWords } from '../io/word-vectors/packed-words.js';
import { readWordVectors, readWordVectorsSync, type ReadWordVectorsOptions } from '../io/word-vectors/read.js';
import type { VectorFormatName, WordVectorsFile } from '../io/word-vectors/vector-format.js';
import { quoteWord } from '../io/word-vectors/words.js';
import { KeyedVectors, type KeyedVectorsInit } from './keyed-vectors.js';

/** Options of {@link loadVectors}. */
export type LoadOptions = ReadWordVectorsOptions;

/** What {@link loadVectorsWithInfo} returns: the vectors plus facts about the file. */
export interface LoadResult {
  vectors: KeyedVectors;
  format: VectorFormatName;
  /** The file was gzip-compressed. */
  gzip: boolean;
  /** Vectors read from the file, dropped duplicates included (≤ `limit`). */
  rowsRead: number;
  /** Rows dropped because their word appeared earlier (`duplicates: 'keep-first'`). */
  duplicatesSkipped: number;
  /** Warnings also passed to `onWarning` (e.g. duplicates dropped). */
  warnings: string[];
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
 * Wraps a file's rows into a KeyedVectors. Repeated words are handled by the file's `duplicates`
 * (`'corrupt'` for formats that never hold them, like ekv); dropped duplicates are reported as a
 * warning (returned and passed to `onWarning`).
 */
export function toKeyedVectors(file: string, raw: WordVectorsFile): LoadResult {
  const { words, vectors, dim, counts, duplicates } = raw;
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
  for (const warning of warnings) raw.onWarning?.(warning);
  return { vectors: kv, format: raw.format, gzip: raw.gzip, rowsRead: raw.rowsRead, duplicatesSkipped: dropped, warnings };
}

/**
 * Loads a vector file (ekv, word2vec text or binary, GloVe; optionally gzip-compressed) with its
 * details: format, rows read, duplicates dropped, warnings. Errors: FileFormatError for a bad file
 * (message names the file and the problem), UsageError for bad options, Node's own errors (ENOENT,
 * EACCES, …) for files that cannot be opened.
 */
export async function loadVectorsWithInfo(file: string, options: LoadOptions = {}): Promise<LoadResult> {
  return toKeyedVectors(file, await readWordVectors(file, options));
}

/** Synchronous {@link loadVectorsWithInfo} (gzip files are decompressed in memory in one piece). */
export function loadVectorsWithInfoSync(file: string, options: LoadOptions = {}): LoadResult {
  return toKeyedVectors(file, readWordVectorsSync(file, options));
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
