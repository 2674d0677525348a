import { UsageError } from '../../errors.js';
import type { DuplicatePolicy } from './vector-collector.js';
import type { UnicodeErrors } from './words.js';

/** Options every reader accepts. */
export interface VectorReadOptions {
  /** Read only the first `limit` vectors of the file (in file order). Default: all. */
  limit?: number;
  /**
   * A word listed twice in a word2vec/GloVe file: `'keep-first'` (default, as gensim does) keeps the
   * first row and drops later ones, counting them in the result and reporting one warning;
   * `'error'` fails with a FileFormatError.
   */
  duplicates?: DuplicatePolicy;
  /** Words that are not valid UTF-8: `'error'` (default) fails, `'replace'` uses U+FFFD. */
  unicodeErrors?: UnicodeErrors;
  /** ekv only: verify the payload checksum (default true; costs ~0.3 s per GB). */
  verifyChecksum?: boolean;
  /** Receives human-readable warnings (e.g. duplicate words dropped). Default: none are printed. */
  onWarning?: (message: string) => void;
}

/** {@link VectorReadOptions} with defaults filled in. */
export interface ResolvedReadOptions {
  limit: number;
  duplicates: DuplicatePolicy;
  unicodeErrors: UnicodeErrors;
  verifyChecksum: boolean;
  onWarning: ((message: string) => void) | undefined;
}

/** Validates `options` (throwing {@link UsageError}) and fills in defaults. */
export function resolveReadOptions(options: VectorReadOptions = {}): ResolvedReadOptions {
  const { limit, duplicates = 'keep-first', unicodeErrors = 'error', verifyChecksum = true, onWarning } = options;
  if (limit !== undefined && !(Number.isSafeInteger(limit) && limit >= 0)) {
    throw new UsageError(`limit must be a non-negative integer, got ${String(limit)}`);
  }
  if (duplicates !== 'keep-first' && duplicates !== 'error') {
    throw new UsageError(`duplicates must be 'keep-first' or 'error', got ${String(duplicates)}`);
  }
  if (unicodeErrors !== 'error' && unicodeErrors !== 'replace') {
    throw new UsageError(`unicodeErrors must be 'error' or 'replace', got ${String(unicodeErrors)}`);
  }
  if (typeof verifyChecksum !== 'boolean') throw new UsageError(`verifyChecksum must be a boolean, got ${String(verifyChecksum)}`);
  if (onWarning !== undefined && typeof onWarning !== 'function') throw new UsageError('onWarning must be a function');
  return { limit: limit ?? Infinity, duplicates, unicodeErrors, verifyChecksum, onWarning };
}
