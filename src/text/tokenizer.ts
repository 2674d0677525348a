import { UsageError } from '../errors.js';
import { codePointLength } from './code-points.js';
import {
  FANCY_JOINER_RE,
  HAS_NO_SPACE_SCRIPT_RE,
  NO_SPACE_RUN_RE,
  NON_ASCII_RE,
  NUMBER_RE,
  PUNCT_RE,
  STARTS_WITH_DIGIT_RE,
  startsWithWordChar,
  WORD_OR_PUNCT_RE,
  WORD_RE,
} from './patterns.js';
import { stopWordsFromOption } from './stop-word-option.js';
import type { TextTokenizer } from './text-tokenizer.js';
import { resolveTokenizerOptions, type ResolvedTokenizerOptions, type TokenizerOptions } from './tokenizer-options.js';

/**
 * Splits text into tokens: Unicode-aware words (with `Intl.Segmenter` for Chinese, Japanese, Thai,
 * Lao, Khmer and Myanmar), optional punctuation, number handling, stop words and length limits.
 * See {@link TokenizerOptions} for the exact rules and the defaults.
 *
 * A tokenizer is immutable and can be shared. Plain lowercase ASCII text with the default options
 * takes a fast path (a split on spaces) that gives the same tokens as the general path.
 *
 * @example
 * ```ts
 * new Tokenizer().tokenize("Don't panic: it's state-of-the-art!") // ["don't", 'panic', "it's", 'state-of-the-art']
 * new Tokenizer({ stopWords: 'zh' }).tokenize('我喜欢机器学习')      // ['喜欢', '机器', '学习']
 * ```
 */
export class Tokenizer implements TextTokenizer {
  /** The options in force, defaults filled in. */
  readonly options: ResolvedTokenizerOptions;
  readonly #stop: ReadonlySet<string>;
  readonly #filterLength: boolean;
  readonly #fastReject: RegExp | undefined;
  readonly #simpleWords: boolean;
  #segmenter: Intl.Segmenter | undefined;

  /**
   * @param options - see {@link TokenizerOptions}; all optional.
   * @throws UsageError for an unknown option or a bad value.
   */
  constructor(options: TokenizerOptions = {}) {
    const resolved = resolveTokenizerOptions(options);
    const stop = new Set<string>();
    for (const word of stopWordsFromOption(options.stopWords)) {
      let w = resolved.normalize ? word.normalize(resolved.normalize) : word;
      if (resolved.lowercase) w = resolved.locale ? w.toLocaleLowerCase(resolved.locale) : w.toLowerCase();
      stop.add(w.replace(FANCY_JOINER_RE, joinerReplacement));
    }
    this.#stop = stop;
    this.options = Object.freeze({ ...resolved, stopWords: new Set(stop) });
    this.#filterLength = resolved.minTokenLength > 1 || resolved.maxTokenLength !== Infinity;
    this.#simpleWords = resolved.numbers === 'keep' && !this.#filterLength && stop.size === 0;
    // Text made only of these characters tokenizes to its space-separated parts on every path but 'intl'.
    this.#fastReject =
      resolved.segmentation === 'intl'
        ? undefined
        : new RegExp(`[^ a-z${resolved.lowercase ? '' : 'A-Z'}${resolved.numbers === 'keep' ? '0-9' : ''}]`);
  }

  /**
   * Splits `text` (usually one line or paragraph) into tokens.
   * @throws UsageError if `text` is not a string.
   */
  tokenize(text: string): string[] {
    if (typeof text !== 'string') throw new UsageError(`Tokenizer.tokenize: expected a string, got ${typeof text}`);
    if (this.#fastReject !== undefined && !this.#fastReject.test(text)) return this.#splitSpaces(text);
    const o = this.options;
    const nonAscii = NON_ASCII_RE.test(text);
    let s = text;
    if (o.normalize && nonAscii) s = s.normalize(o.normalize);
    if (o.lowercase) s = o.locale ? s.toLocaleLowerCase(o.locale) : s.toLowerCase();
    const out: string[] = [];
    if (o.segmentation === 'intl') this.#segmentInto(s, out);
    else if (o.segmentation === 'auto' && nonAscii && HAS_NO_SPACE_SCRIPT_RE.test(s)) this.#mixedInto(s, out);
    else this.#wordsInto(s, nonAscii, out);
    return out;
  }

  /** Fast path: `text` holds only spaces and characters that form words on their own. */
  #splitSpaces(text: string): string[] {
    if (text.length === 0) return [];
    const parts = text.split(' ');
    const last = text.length - 1;
    if (this.#stop.size === 0 && !this.#filterLength && text.charCodeAt(0) !== 32 && text.charCodeAt(last) !== 32 && !text.includes('  ')) {
      return parts;
    }
    const { minTokenLength: min, maxTokenLength: max } = this.options;
    const out: string[] = [];
    for (const p of parts) {
      if (p.length !== 0 && p.length >= min && p.length <= max && !this.#stop.has(p)) out.push(p);
    }
    return out;
  }

  /** embedkit's word rule over `s` (already normalized and lowercased). */
  #wordsInto(s: string, nonAscii: boolean, out: string[]): void {
    if (this.options.punctuation === 'drop') {
      const words = s.match(WORD_RE);
      if (words === null) return;
      if (this.#simpleWords && !nonAscii) {
        for (const w of words) out.push(w);
        return;
      }
      for (const w of words) this.#emitWord(w, nonAscii, out);
      return;
    }
    const tokens = s.match(WORD_OR_PUNCT_RE);
    if (tokens === null) return;
    for (const t of tokens) {
      if (startsWithWordChar(t)) this.#emitWord(t, nonAscii, out);
      else this.#emitPunct(t, out);
    }
  }

  /** Text with runs of no-space scripts: `Intl.Segmenter` on the runs, the word rule elsewhere. */
  #mixedInto(s: string, out: string[]): void {
    const re = NO_SPACE_RUN_RE;
    let last = 0;
    // Collect runs first: #wordsInto and #segmentInto use other global regexes, never this one.
    re.lastIndex = 0;
    for (let m = re.exec(s); m !== null; m = re.exec(s)) {
      if (m.index > last) this.#wordsInto(s.slice(last, m.index), true, out);
      this.#segmentInto(m[0], out);
      last = m.index + m[0].length;
    }
    if (last < s.length) this.#wordsInto(s.slice(last), true, out);
  }

  /** `Intl.Segmenter` (word granularity) over `s`. */
  #segmentInto(s: string, out: string[]): void {
    this.#segmenter ??= new Intl.Segmenter(this.options.locale ?? 'und', { granularity: 'word' });
    const keep = this.options.punctuation === 'keep';
    for (const seg of this.#segmenter.segment(s)) {
      if (seg.isWordLike) this.#emitWord(seg.segment, true, out);
      else if (keep) {
        const marks = seg.segment.match(PUNCT_RE);
        if (marks !== null) for (const m of marks) this.#emitPunct(m, out);
      }
    }
  }

  #emitWord(word: string, nonAscii: boolean, out: string[]): void {
    const o = this.options;
    let w = nonAscii ? word.replace(FANCY_JOINER_RE, joinerReplacement) : word;
    if (this.#filterLength) {
      const n = codePointLength(w);
      if (n < o.minTokenLength || n > o.maxTokenLength) return;
    } else if (w.length === 0) return;
    if (o.numbers !== 'keep' && STARTS_WITH_DIGIT_RE.test(w) && NUMBER_RE.test(w)) {
      if (o.numbers === 'drop') return;
      w = o.numberToken;
    }
    if (this.#stop.size !== 0 && this.#stop.has(w)) return;
    out.push(w);
  }

  #emitPunct(token: string, out: string[]): void {
    if (this.#stop.size !== 0 && this.#stop.has(token)) return;
    out.push(token);
  }
}

function joinerReplacement(c: string): string {
  return c === '\u2010' || c === '\u2011' ? '-' : "'";
}
