import { FileFormatError, UsageError } from '../errors.js';
import type { WordLine } from './word-files.js';

/** Which rows of a vector file to plot. */
export interface PointSelection {
  /** Rows in order of priority (labels are placed in this order). */
  rows: Int32Array;
  /** The word (id) of each selected row; absent when the file has no ids. */
  names?: string[];
}

/** How the points are chosen: a list of words read from `file`, or the first `top` rows. */
export type SelectBy = { words: readonly WordLine[]; file: string } | { top: number };

/**
 * Picks the rows to plot from a file of `total` rows with ids `ids` (words; none for matrix files)
 * called `source`: the listed words in their order, or the first `top` rows (word-vector files list
 * the most frequent words first). FileFormatError naming up to five words the file lacks (and their
 * lines); UsageError for words asked of a file without ids.
 */
export function selectPoints(ids: readonly string[] | undefined, total: number, by: SelectBy, source: string): PointSelection {
  if ('top' in by) {
    if (!Number.isInteger(by.top) || by.top < 1) throw new UsageError(`top must be a whole number ≥ 1 (got ${by.top})`);
    const n = Math.min(by.top, total);
    if (n === 0) throw new FileFormatError(source, 'holds no vectors');
    const rows = Int32Array.from({ length: n }, (_, i) => i);
    return ids ? { rows, names: ids.slice(0, n) } : { rows };
  }
  if (!ids) throw new UsageError(`${by.file} lists words, but ${source} has no words or ids to match them (a matrix file)`);
  const rowOf = new Map<string, number>();
  ids.forEach((id, i) => {
    if (!rowOf.has(id)) rowOf.set(id, i);
  });
  const missing = by.words.filter((w) => !rowOf.has(w.word));
  if (missing.length > 0) {
    const shown = missing
      .slice(0, 5)
      .map((w) => `'${w.word}' (line ${w.line})`)
      .join(', ');
    const more = missing.length > 5 ? ` and ${missing.length - 5} more` : '';
    throw new FileFormatError(
      by.file,
      `${missing.length === 1 ? 'a word is' : `${missing.length} words are`} not in ${source}: ${shown}${more}`,
    );
  }
  if (by.words.length === 0) throw new FileFormatError(by.file, 'holds no words');
  return { rows: Int32Array.from(by.words, (w) => rowOf.get(w.word)!), names: by.words.map((w) => w.word) };
}
