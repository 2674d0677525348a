/** Parser of word-similarity files in gensim's wordsim353.tsv format (`#` comments, `w1 w2 score`). */
import { FileFormatError, UsageError } from '../errors.js';
import { pyFloat, pyStrip, splitLines } from './python-text.js';

/** One human similarity judgement, with its 1-based line number. */
export interface WordPair {
  readonly a: string;
  readonly b: string;
  readonly score: number;
  readonly line: number;
}

/** A parsed word-pair file. */
export interface ParsedWordPairs {
  readonly pairs: WordPair[];
  /** Malformed lines skipped (only when not strict). */
  readonly skipped: number;
}

/**
 * Parses word pairs like gensim's `evaluate_word_pairs`: lines starting with `#` are comments; other
 * lines are split on `delimiter` into exactly three fields, the last a number (Python `float`
 * syntax). Words are kept as written (not trimmed). Blank lines are ignored.
 *
 * @param strict When true (default) a malformed line is a FileFormatError; when false it is skipped
 *   and counted, as gensim does.
 * @throws FileFormatError naming `file` and the line of a malformed line (when strict).
 */
export function parseWordPairs(text: string, file: string, delimiter = '\t', strict = true): ParsedWordPairs {
  if (delimiter === '') throw new UsageError('delimiter must not be empty');
  const pairs: WordPair[] = [];
  let skipped = 0;
  splitLines(text).forEach((line, i) => {
    if (line.startsWith('#') || pyStrip(line) === '') return;
    const fields = line.split(delimiter);
    const score = fields.length === 3 ? pyFloat(fields[2]) : undefined;
    if (score === undefined) {
      if (strict) {
        const problem =
          fields.length === 3
            ? `'${pyStrip(fields[2])}' is not a number`
            : `expected 3 fields separated by ${JSON.stringify(delimiter)}, found ${fields.length}`;
        throw new FileFormatError(file, `line ${i + 1}: ${problem}`);
      }
      skipped++;
      return;
    }
    pairs.push({ a: fields[0], b: fields[1], score, line: i + 1 });
  });
  return { pairs, skipped };
}
