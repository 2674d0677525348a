/** Parser of word-analogy files in the questions-words.txt format (`: section` lines, then `a b c d`). */
import { FileFormatError } from '../errors.js';
import { pySplit, pyStrip, splitLines } from './python-text.js';

/** One question `a : b :: c : expected`, with its 1-based line number. */
export interface AnalogyQuestion {
  readonly words: readonly [string, string, string, string];
  readonly line: number;
}

/** The questions under one `: name` header, in file order. */
export interface AnalogySectionQuestions {
  readonly section: string;
  readonly questions: AnalogyQuestion[];
}

/** A parsed analogy file. */
export interface ParsedAnalogies {
  readonly sections: AnalogySectionQuestions[];
  /** Number of questions (valid 4-word lines). */
  readonly questions: number;
  /** Lines skipped because they did not hold 4 words (only when not strict). */
  readonly skipped: number;
}

/**
 * Parses analogy questions like gensim's `evaluate_word_analogies`: a line starting with `': '`
 * opens a section (name stripped of leading `:`/spaces and surrounding whitespace); other lines are
 * split on whitespace into 4 words. Blank lines are ignored.
 *
 * @param strict When true (default) a line that is not 4 words is a FileFormatError; when false it is
 *   skipped and counted, as gensim does.
 * @throws FileFormatError naming `file` and the line for a question before any section header or a
 *   malformed line (when strict).
 */
export function parseAnalogies(text: string, file: string, strict = true): ParsedAnalogies {
  const sections: AnalogySectionQuestions[] = [];
  let current: AnalogySectionQuestions | undefined;
  let questions = 0;
  let skipped = 0;
  splitLines(text).forEach((line, i) => {
    const lineNo = i + 1;
    if (line.startsWith(': ')) {
      current = { section: pyStrip(line.replace(/^[: ]+/, '')), questions: [] };
      sections.push(current);
      return;
    }
    const words = pySplit(line);
    if (words.length === 0) return;
    if (!current) throw new FileFormatError(file, `line ${lineNo}: question before the first ': section' header`);
    if (words.length !== 4) {
      if (strict) throw new FileFormatError(file, `line ${lineNo}: expected 4 words, found ${words.length}`);
      skipped++;
      return;
    }
    current.questions.push({ words: words as unknown as [string, string, string, string], line: lineNo });
    questions++;
  });
  return { sections, questions, skipped };
}
