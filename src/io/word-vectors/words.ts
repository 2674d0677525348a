import { UsageError } from '../../errors.js';

/** What to do with words that are not valid UTF-8 when reading: fail (default) or use U+FFFD. */
export type UnicodeErrors = 'error' | 'replace';

const strictDecoder = new TextDecoder('utf-8', { fatal: true });
const lenientDecoder = new TextDecoder('utf-8', { fatal: false });

/** Why the last {@link decodeWord} call returned `undefined`. */
export interface WordProblem {
  problem: string;
}

function hex(byte: number): string {
  return `0x${byte.toString(16).padStart(2, '0')}`;
}

/**
 * Decodes the word in `bytes[start, end)`. Returns `undefined` (and sets `out.problem`) when the
 * bytes are empty, are not valid UTF-8 and `unicodeErrors` is `'error'`, or — with `rejectControl`,
 * used for the binary format where it is the sign of a corrupt file or a wrong dimension — contain a
 * control character (below 0x20 except tab, or 0x7F).
 */
export function decodeWord(
  bytes: Uint8Array,
  start: number,
  end: number,
  unicodeErrors: UnicodeErrors,
  rejectControl: boolean,
  out: WordProblem,
): string | undefined {
  if (end <= start) {
    out.problem = 'empty word';
    return undefined;
  }
  let ascii = true;
  for (let i = start; i < end; i++) {
    const c = bytes[i];
    if (rejectControl && (c < 0x20 || c === 0x7f)) {
      if (c === 0x09) continue;
      out.problem = `word contains control byte ${hex(c)} at byte ${i - start}`;
      return undefined;
    }
    if (c >= 0x80) ascii = false;
  }
  const view = bytes.subarray(start, end);
  if (ascii) return Buffer.from(view.buffer, view.byteOffset, view.length).toString('latin1');
  if (unicodeErrors === 'replace') return lenientDecoder.decode(view);
  try {
    return strictDecoder.decode(view);
  } catch {
    out.problem = `word is not valid UTF-8 (bytes ${Array.from(view.subarray(0, 24), hex).join(' ')}${view.length > 24 ? ' …' : ''})`;
    return undefined;
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// eslint-disable-next-line no-control-regex
const FORBIDDEN_IN_TEXT_FORMATS = /[\u0000-\u0020\u007f]/;

/** Shows a word in an error message: quoted, escaped, shortened. */
export function quoteWord(word: string): string {
  const shown = word.length > 40 ? `${word.slice(0, 40)}…` : word;
  return JSON.stringify(shown);
}

/**
 * Throws a {@link UsageError} when `word` (row `row`) cannot be stored in a word2vec/GloVe file,
 * text or binary: those separate words with spaces and rows with newlines, so a word must be
 * non-empty, contain no ASCII whitespace or control character, and be valid Unicode (no lone
 * surrogate, which UTF-8 cannot encode).
 */
export function checkWordForDelimitedFormat(word: string, row: number, formatName: string): void {
  if (word.length === 0) throw new UsageError(`cannot write ${formatName}: word at row ${row} is empty`);
  if (FORBIDDEN_IN_TEXT_FORMATS.test(word)) {
    throw new UsageError(`cannot write ${formatName}: word ${quoteWord(word)} at row ${row} contains whitespace or a control character`);
  }
  if (LONE_SURROGATE.test(word)) {
    throw new UsageError(`cannot write ${formatName}: word ${quoteWord(word)} at row ${row} is not valid Unicode (lone surrogate)`);
  }
}

/** Throws a {@link UsageError} when `word` (row `row`) cannot be encoded as UTF-8 (lone surrogate). */
export function checkWordEncodable(word: string, row: number, formatName: string): void {
  if (LONE_SURROGATE.test(word)) {
    throw new UsageError(`cannot write ${formatName}: word ${quoteWord(word)} at row ${row} is not valid Unicode (lone surrogate)`);
  }
}
