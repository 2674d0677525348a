import { UsageError } from '../errors.js';
import { codePointLength } from './code-points.js';
import {
  FANCY_JOINER_RE,
  HAS_NO_SPACE_SCRIPT_RE,
  NO_SPACE_RUN_RE,
  NON_ASCII_RE,
  NOT_CHINESE_NO_SPACE_RE,
  NUMBER_RE,
  PUNCT_RE,
  STARTS_WITH_DIGIT_RE,
  startsWithWordChar,
  WORD_OR_PUNCT_RE,
  WORD_RE,
} from './patterns.js';
import { checkChineseTaggerInstalled } from './pos/chinese-tagger.js';
import { checkEnglishTaggerInstalled } from './pos/english-tagger.js';
import { tagPartsOfSpeech } from './pos/tag-parts-of-speech.js';
import type { UniversalPosTag } from './pos/universal-tags.js';
import { checkJiebaInstalled, loadJieba, type JiebaInstance } from './segment/jieba.js';
import { stopWordsFromOption } from './stop-word-option.js';
import type { TextTokenizer } from './text-tokenizer.js';
import { resolveTokenizerOptions, type ResolvedTokenizerOptions, type TokenizerOptions } from './tokenizer-options.js';

/**
 * Splits text into tokens: Unicode-aware words (with `Intl.Segmenter` for Chinese, Japanese, Thai,
 * Lao, Khmer and Myanmar, or jieba for Chinese), optional punctuation, number handling, stop words,
 * length limits, and filters by part of speech and lemmas (docs/text.md).
 * See {@link TokenizerOptions} for the exact rules and the defaults.
 *
 * A tokenizer is immutable and can be shared. Plain lowercase ASCII text with the default options
 * takes a fast path (a split on spaces) that gives the same tokens as the general path.
 *
 * @example
 * ```ts
 * new Tokenizer().tokenize("Don't panic: it's state-of-the-art!") // ["don't", 'panic', "it's", 'state-of-the-art']
 * new Tokenizer({ stopWords: 'zh' }).tokenize('我喜欢机器学习')      // ['喜欢', '机器', '学习']
 * new Tokenizer({ segmenter: 'jieba' }).tokenize('我是北京大学的研究生') // ['我', '是', '北京大学', '的', '研究生']
 * new Tokenizer({ keepPos: ['NOUN', 'VERB'], lemma: true }).tokenize('The children were eating apples.') // ['child', 'eat', 'apple']
 * ```
 */
export class Tokenizer implements TextTokenizer {
  /** The options in force, defaults filled in. */
  readonly options: ResolvedTokenizerOptions;
  readonly #stop: ReadonlySet<string>;
  readonly #filterLength: boolean;
  readonly #fastReject: RegExp | undefined;
  readonly #simpleWords: boolean;
  /** keepPos or lemma: text goes through the taggers (see #taggedInto) instead of the word rule. */
  readonly #tagging: boolean;
  readonly #keepPos: ReadonlySet<UniversalPosTag> | undefined;
  readonly #useJieba: boolean;
  #segmenter: Intl.Segmenter | undefined;
  #jieba: JiebaInstance | undefined;

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
    this.#keepPos = resolved.keepPos === undefined ? undefined : new Set(resolved.keepPos);
    this.#tagging = resolved.keepPos !== undefined || resolved.lemma;
    this.#useJieba = resolved.segmenter === 'jieba';
    // Fail here, not at the first line, when an optional package these options need is missing
    // (nothing is loaded yet: the scan rebuilds this tokenizer on a worker thread, which loads them).
    if (this.#useJieba) checkJiebaInstalled("the tokenizer's segmenter 'jieba'");
    if (this.#tagging && resolved.posLanguage === 'en') checkEnglishTaggerInstalled();
    if (this.#tagging && resolved.posLanguage === 'zh') checkChineseTaggerInstalled();
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
    if (this.#tagging) return this.#taggedInto(text, [], undefined);
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

  /**
   * Splits `text` into tokens as {@link Tokenizer.tokenize} does, with the Universal POS tag of each
   * token (`tags[i]` is the tag of `tokens[i]`). Tags the text even when neither `keepPos` nor
   * `lemma` is set (the tokens are then the taggers', see {@link TokenizerOptions}).
   * @throws UsageError if `text` is not a string; MissingPackageError if a tagger the text needs is not installed.
   */
  tokenizeWithTags(text: string): { tokens: string[]; tags: UniversalPosTag[] } {
    if (typeof text !== 'string') throw new UsageError(`Tokenizer.tokenizeWithTags: expected a string, got ${typeof text}`);
    const tags: UniversalPosTag[] = [];
    return { tokens: this.#taggedInto(text, [], tags), tags };
  }

  /** The tagged path: the taggers' tokens through the keepPos filter, lemmas and the usual rules. */
  #taggedInto(text: string, out: string[], tags: UniversalPosTag[] | undefined): string[] {
    const o = this.options;
    const nonAscii = NON_ASCII_RE.test(text);
    const s = o.normalize && nonAscii ? text.normalize(o.normalize) : text;
    for (const t of tagPartsOfSpeech(s, { lang: o.posLanguage })) {
      if (this.#keepPos !== undefined && !this.#keepPos.has(t.pos)) continue;
      let w = o.lemma && t.lemma !== undefined ? lemmaOf(t.token, t.lemma) : t.token;
      if (o.lowercase) w = o.locale ? w.toLocaleLowerCase(o.locale) : w.toLowerCase();
      const before = out.length;
      if (HAS_LETTER_OR_DIGIT_RE.test(w)) this.#emitWord(w, nonAscii, out);
      else if (o.punctuation === 'keep') this.#emitPunct(w, out);
      if (tags !== undefined && out.length > before) tags.push(t.pos);
    }
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
      if (this.#useJieba && !NOT_CHINESE_NO_SPACE_RE.test(m[0])) this.#jiebaInto(m[0], out);
      else this.#segmentInto(m[0], out);
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

  /** jieba (dictionary + HMM, as jieba's default `cut`) over a run of Chinese characters. */
  #jiebaInto(run: string, out: string[]): void {
    this.#jieba ??= loadJieba("the tokenizer's segmenter 'jieba'");
    const keep = this.options.punctuation === 'keep';
    for (const word of this.#jieba.cut(run, true)) {
      if (startsWithWordChar(word)) this.#emitWord(word, true, out);
      else if (keep) {
        const marks = word.match(PUNCT_RE);
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

const HAS_LETTER_OR_DIGIT_RE = /[\p{L}\p{N}]/u;

/** The lemma, or the token itself where they differ only in case (wink lowercases some lemmas: John → john). */
function lemmaOf(token: string, lemma: string): string {
  return lemma !== token && lemma.toLowerCase() === token.toLowerCase() ? token : lemma;
}

function joinerReplacement(c: string): string {
  return c === '\u2010' || c === '\u2011' ? '-' : "'";
}
