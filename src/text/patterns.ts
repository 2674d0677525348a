/**
 * Regular expressions shared by the tokenizer. Internal module: not re-exported from the package.
 *
 * Word rule (documented on {@link TokenizerOptions}): a word is a run of Unicode letters, marks and
 * numbers (`\p{L}\p{M}\p{N}`). A single apostrophe (`'` `’` `ʼ`), hyphen (`-` `‐` `‑`) or zero-width
 * (non-)joiner between two word characters joins them ("don't", "state-of-the-art"); a `.` or `,`
 * between two digits joins them ("3.14", "1,000"). Anything else ends the word.
 */

const W = '\\p{L}\\p{M}\\p{N}';
const JOINERS = "'\\u2019\\u02BC\\-\\u2010\\u2011\\u200C\\u200D";
const WORD = `[${W}]+(?:(?:[${JOINERS}]|(?<=\\p{N})[.,](?=\\p{N}))[${W}]+)*`;
const EMOJI =
  '\\p{Regional_Indicator}{2}' +
  '|\\p{Extended_Pictographic}[\\uFE0F\\p{Emoji_Modifier}]*(?:\\u200D\\p{Extended_Pictographic}[\\uFE0F\\p{Emoji_Modifier}]*)*';
const PUNCT = '[\\p{P}\\p{S}]';

/** Matches words only (used when punctuation is dropped). Global: reset `lastIndex` or use `match`. */
export const WORD_RE = new RegExp(WORD, 'gu');

/** Matches words, emoji sequences and single punctuation/symbol characters (tell them apart with {@link startsWithWordChar}). */
export const WORD_OR_PUNCT_RE = new RegExp(`${WORD}|${EMOJI}|${PUNCT}`, 'gu');

const WORD_START_RE = new RegExp(`^[${W}]`, 'u');

/** Whether a token matched by {@link WORD_OR_PUNCT_RE} is a word (rather than punctuation or emoji). */
export function startsWithWordChar(token: string): boolean {
  const c = token.charCodeAt(0);
  if ((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a)) return true;
  return c > 0x7f && WORD_START_RE.test(token);
}

/** Matches emoji sequences and single punctuation/symbol characters. */
export const PUNCT_RE = new RegExp(`${EMOJI}|${PUNCT}`, 'gu');

/** A token made only of digits, with `.`/`,` between digit groups: "42", "3.14", "1,000,000", "١٢٣". */
export const NUMBER_RE = /^\p{N}+(?:[.,]\p{N}+)*$/u;

/** First character is a digit: a cheap pre-check before {@link NUMBER_RE}. */
export const STARTS_WITH_DIGIT_RE = /^\p{N}/u;

/** Characters of the scripts written without spaces between words, for which `Intl.Segmenter` is used. */
const NO_SPACE_SCRIPT = '\\p{scx=Han}\\p{scx=Hiragana}\\p{scx=Katakana}\\p{scx=Thai}\\p{scx=Lao}\\p{scx=Khmer}\\p{scx=Myanmar}';

/** Tests whether a string contains any character of a script written without spaces. */
export const HAS_NO_SPACE_SCRIPT_RE = new RegExp(`[${NO_SPACE_SCRIPT}]`, 'u');

/** Matches maximal runs of no-space-script characters (with any combining marks inside). Global. */
export const NO_SPACE_RUN_RE = new RegExp(`[${NO_SPACE_SCRIPT}][${NO_SPACE_SCRIPT}\\p{M}]*`, 'gu');

/** Tests whether a string has any non-ASCII character (ASCII text is unchanged by NFC/NFKC). */
// eslint-disable-next-line no-control-regex -- the ASCII range starts at NUL
export const NON_ASCII_RE = /[^\x00-\x7f]/;

/** Apostrophe and hyphen variants that are rewritten to ASCII `'` and `-` inside words. */
export const FANCY_JOINER_RE = /[\u2019\u02BC\u2010\u2011]/g;

/**
 * A character of a no-space script other than Chinese (kana, Thai, Lao, Khmer, Myanmar; by Script,
 * not Script_Extensions, so the CJK punctuation that kana share with Han does not count). A run of
 * {@link NO_SPACE_RUN_RE} without one is Chinese, for jieba.
 */
export const NOT_CHINESE_NO_SPACE_RE = /[\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Thai}\p{sc=Lao}\p{sc=Khmer}\p{sc=Myanmar}]/u;
