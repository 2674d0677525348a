import { UsageError } from '../errors.js';
import type { PosLanguage } from './pos/tagged-token.js';
import { parseUniversalPosTags, type UniversalPosTag } from './pos/universal-tags.js';
import type { StopWordsOption } from './stop-word-option.js';

/**
 * Options of a {@link Tokenizer}. Every field is optional; the defaults are listed per field.
 *
 * **What a token is.** Text is first Unicode-normalized (`normalize`) and lowercased (`lowercase`).
 * A *word* is then a run of Unicode letters, marks and numbers. One apostrophe (`'` `’` `ʼ`), hyphen
 * (`-` `‐` `‑`) or zero-width (non-)joiner between two word characters stays inside the word, so
 * "don't", "o'clock" and "state-of-the-art" are single tokens (`’`/`ʼ` become `'`, `‐`/`‑` become `-`),
 * while "--", a leading/trailing quote or hyphen, and every other character end a word.
 * A `.` or `,` between two digits stays too ("3.14", "1,000"). A *number* is a word made only of
 * digits and such separators. Punctuation and symbols (`\p{P}`, `\p{S}`) and emoji sequences
 * (with skin tones, ZWJ sequences, flags) are *punctuation tokens*, one per character or emoji.
 * Whitespace, control and format characters are never tokens.
 *
 * **Scripts without spaces** (Chinese, Japanese, Thai, Lao, Khmer, Myanmar) are split into words with
 * `Intl.Segmenter` (ICU dictionaries), see `segmentation`; Chinese optionally with jieba, see `segmenter`.
 *
 * **Parts of speech and lemmas** (`keepPos`, `lemma`): the text is tagged first (wink-nlp for English,
 * jieba for Chinese, see {@link tagPartsOfSpeech}), and the tokens are then the taggers' tokens
 * (e.g. "don't" is "do" + "n't", "New York's" is "new" "york" "'s"), each put through the rules above
 * (lowercase, numbers, stop words, lengths; punctuation is a token without letters or digits). Without
 * these two options no tagger is loaded and tokenizing is as fast as before.
 */
export interface TokenizerOptions {
  /** Lowercase the text (locale-aware when `locale` is set). Default `true`. */
  readonly lowercase?: boolean;
  /** Unicode normalization applied first: `'NFC'` (default), `'NFKC'` (also folds full-width and compatibility forms), or `false`. */
  readonly normalize?: 'NFC' | 'NFKC' | false;
  /** `'drop'` (default) removes punctuation, symbols and emoji; `'keep'` makes each one a token. */
  readonly punctuation?: 'drop' | 'keep';
  /** Numbers: `'keep'` (default) as they are, `'drop'` them, or `'replace'` each by `numberToken`. */
  readonly numbers?: 'keep' | 'drop' | 'replace';
  /** The token that replaces numbers when `numbers` is `'replace'`. Default `'<num>'`. */
  readonly numberToken?: string;
  /**
   * Stop words to remove. Default `false` (none). Stop words are normalized and lowercased like
   * the text and compared with every final token (after number replacement), so punctuation can be
   * listed too.
   */
  readonly stopWords?: StopWordsOption;
  /** Drop word and number tokens shorter than this many code points. Default `1`. Not applied to punctuation tokens. */
  readonly minTokenLength?: number;
  /** Drop word and number tokens longer than this many code points. Default `Infinity`. Not applied to punctuation tokens. */
  readonly maxTokenLength?: number;
  /**
   * How words are found:
   * - `'auto'` (default): embedkit's word rule, plus `Intl.Segmenter` on the runs of Chinese, Japanese,
   *   Thai, Lao, Khmer or Myanmar characters (text without them never touches `Intl.Segmenter`);
   * - `'whitespace'`: embedkit's word rule only (a run of Chinese characters becomes one token);
   * - `'intl'`: `Intl.Segmenter` for the whole text (ICU / UAX #29 rules everywhere: e.g. hyphenated
   *   words are split, "don't" stays whole).
   */
  readonly segmentation?: 'auto' | 'whitespace' | 'intl';
  /**
   * BCP 47 locale for lowercasing (e.g. `'tr'` lowercases "I" to "ı") and for `Intl.Segmenter`.
   * Default: none, i.e. locale-independent lowercasing and the root locale for segmentation.
   */
  readonly locale?: string;
  /**
   * Which segmenter splits Chinese (runs of Chinese characters, with `segmentation: 'auto'`):
   * `'intl'` (default) is `Intl.Segmenter` (ICU's dictionary); `'jieba'` is jieba's dictionary and
   * HMM (optional package `@node-rs/jieba`), which knows far more words and names: "我是北京大学的研究生"
   * is 我 是 北京大学 的 研究生 with jieba, 我是 北京 大学 的 研究生 with ICU. Runs with kana, Thai,
   * Lao, Khmer or Myanmar letters stay with `Intl.Segmenter`.
   */
  readonly segmenter?: 'intl' | 'jieba';
  /**
   * Keep only the tokens with one of these Universal POS tags (`['NOUN', 'VERB']`; case-insensitive),
   * see {@link UNIVERSAL_POS_TAGS}. Default: no filter. Turns on tagging (see above).
   */
  readonly keepPos?: Iterable<string>;
  /**
   * Replace each word by its lemma: "foxes" → "fox", "was" → "be", "running" → "run" (English, from
   * wink-nlp; Chinese words are their own lemma). Default `false`. Turns on tagging (see above).
   */
  readonly lemma?: boolean;
  /**
   * The tagger's language when `keepPos` or `lemma` is set: `'auto'` (default; Chinese runs by jieba,
   * the rest as English), `'en'` or `'zh'`. See {@link TagOptions.lang}.
   */
  readonly posLanguage?: PosLanguage;
}

/** {@link TokenizerOptions} with every default filled in and the stop words resolved to a set. */
export interface ResolvedTokenizerOptions {
  /** See {@link TokenizerOptions.lowercase}. */
  readonly lowercase: boolean;
  /** See {@link TokenizerOptions.normalize}. */
  readonly normalize: 'NFC' | 'NFKC' | false;
  /** See {@link TokenizerOptions.punctuation}. */
  readonly punctuation: 'drop' | 'keep';
  /** See {@link TokenizerOptions.numbers}. */
  readonly numbers: 'keep' | 'drop' | 'replace';
  /** See {@link TokenizerOptions.numberToken}. */
  readonly numberToken: string;
  /** The stop words, normalized and (if `lowercase`) lowercased like the text. */
  readonly stopWords: ReadonlySet<string>;
  /** See {@link TokenizerOptions.minTokenLength}. */
  readonly minTokenLength: number;
  /** See {@link TokenizerOptions.maxTokenLength}. */
  readonly maxTokenLength: number;
  /** See {@link TokenizerOptions.segmentation}. */
  readonly segmentation: 'auto' | 'whitespace' | 'intl';
  /** See {@link TokenizerOptions.locale}; `undefined` when not set. */
  readonly locale: string | undefined;
  /** See {@link TokenizerOptions.segmenter}. */
  readonly segmenter: 'intl' | 'jieba';
  /** See {@link TokenizerOptions.keepPos}: the tags upper-cased in {@link UNIVERSAL_POS_TAGS} order; `undefined` when not set. */
  readonly keepPos: readonly UniversalPosTag[] | undefined;
  /** See {@link TokenizerOptions.lemma}. */
  readonly lemma: boolean;
  /** See {@link TokenizerOptions.posLanguage}. */
  readonly posLanguage: PosLanguage;
}

/** The default tokenizer options (stop words: none). */
export const DEFAULT_TOKENIZER_OPTIONS: Readonly<Omit<ResolvedTokenizerOptions, 'stopWords' | 'locale' | 'keepPos'>> = Object.freeze({
  lowercase: true,
  normalize: 'NFC',
  punctuation: 'drop',
  numbers: 'keep',
  numberToken: '<num>',
  minTokenLength: 1,
  maxTokenLength: Infinity,
  segmentation: 'auto',
  segmenter: 'intl',
  lemma: false,
  posLanguage: 'auto',
});

const KNOWN_KEYS = new Set([
  'lowercase',
  'normalize',
  'punctuation',
  'numbers',
  'numberToken',
  'stopWords',
  'minTokenLength',
  'maxTokenLength',
  'segmentation',
  'locale',
  'segmenter',
  'keepPos',
  'lemma',
  'posLanguage',
]);

function oneOf<T extends string | boolean>(name: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T)) {
    throw new UsageError(
      `Tokenizer option ${name}: expected ${allowed.map((a) => JSON.stringify(a)).join(' | ')}, got ${JSON.stringify(value)}`,
    );
  }
  return value as T;
}

function length(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value === Infinity || (Number.isInteger(value) && value >= 0))) {
    throw new UsageError(`Tokenizer option ${name}: expected a non-negative integer or Infinity, got ${String(value)}`);
  }
  return value;
}

/**
 * Validates options and fills in defaults, except `stopWords` (resolved by the tokenizer, which
 * must normalize them like the text).
 * @throws UsageError for an unknown option or a bad value.
 */
export function resolveTokenizerOptions(options: TokenizerOptions): Omit<ResolvedTokenizerOptions, 'stopWords'> {
  if (typeof options !== 'object' || options === null) throw new UsageError('Tokenizer options: expected an object');
  for (const key of Object.keys(options)) {
    if (!KNOWN_KEYS.has(key)) throw new UsageError(`Tokenizer options: unknown option '${key}'`);
  }
  const d = DEFAULT_TOKENIZER_OPTIONS;
  const minTokenLength = length('minTokenLength', options.minTokenLength, d.minTokenLength);
  const maxTokenLength = length('maxTokenLength', options.maxTokenLength, d.maxTokenLength);
  if (minTokenLength > maxTokenLength) {
    throw new UsageError(`Tokenizer options: minTokenLength (${minTokenLength}) is greater than maxTokenLength (${maxTokenLength})`);
  }
  const numberToken = options.numberToken ?? d.numberToken;
  if (typeof numberToken !== 'string' || numberToken.length === 0) {
    throw new UsageError('Tokenizer option numberToken: expected a non-empty string');
  }
  const locale = options.locale;
  if (locale !== undefined) {
    if (typeof locale !== 'string') throw new UsageError('Tokenizer option locale: expected a BCP 47 language tag string');
    try {
      Intl.getCanonicalLocales(locale);
    } catch {
      throw new UsageError(`Tokenizer option locale: '${locale}' is not a valid BCP 47 language tag`);
    }
  }
  const segmentation = oneOf('segmentation', options.segmentation, ['auto', 'whitespace', 'intl'], d.segmentation);
  const segmenter = oneOf('segmenter', options.segmenter, ['intl', 'jieba'], d.segmenter);
  const keepPos =
    options.keepPos === undefined ? undefined : Object.freeze(parseUniversalPosTags(options.keepPos, 'Tokenizer option keepPos'));
  const lemma = oneOf('lemma', options.lemma, [true, false], d.lemma);
  const posLanguage = oneOf<PosLanguage>('posLanguage', options.posLanguage, ['auto', 'en', 'zh'], d.posLanguage);
  if (segmenter === 'jieba' && segmentation !== 'auto') {
    throw new UsageError(`Tokenizer options: segmenter 'jieba' splits Chinese runs under segmentation 'auto', not '${segmentation}'`);
  }
  if ((keepPos !== undefined || lemma) && segmentation !== 'auto') {
    throw new UsageError(
      `Tokenizer options: keepPos and lemma use the taggers' own word segmentation; segmentation must be 'auto', not '${segmentation}'`,
    );
  }
  return {
    lowercase: oneOf('lowercase', options.lowercase, [true, false], d.lowercase),
    normalize: oneOf<'NFC' | 'NFKC' | false>('normalize', options.normalize, ['NFC', 'NFKC', false], d.normalize),
    punctuation: oneOf('punctuation', options.punctuation, ['drop', 'keep'], d.punctuation),
    numbers: oneOf('numbers', options.numbers, ['keep', 'drop', 'replace'], d.numbers),
    numberToken,
    minTokenLength,
    maxTokenLength,
    segmentation,
    locale,
    segmenter,
    keepPos,
    lemma,
    posLanguage,
  };
}
