import { UsageError } from '../../errors.js';
import {
  HAS_NO_SPACE_SCRIPT_RE,
  NO_SPACE_RUN_RE,
  NOT_CHINESE_NO_SPACE_RE,
  NUMBER_RE,
  startsWithWordChar,
  WORD_OR_PUNCT_RE,
} from '../patterns.js';
import { tagChineseInto } from './chinese-tagger.js';
import { tagEnglishInto } from './english-tagger.js';
import type { PosLanguage, TaggedToken } from './tagged-token.js';
import type { UniversalPosTag } from './universal-tags.js';

/** Options of {@link tagPartsOfSpeech}. */
export interface TagOptions {
  /**
   * - `'auto'` (default): runs of Chinese characters are tagged by jieba, the rest by wink-nlp as
   *   English (so English words inside Chinese text get English tags); Japanese and Thai words
   *   (split by `Intl.Segmenter`) get `X`. Text with no letters outside the Chinese runs (only
   *   digits and punctuation) never loads wink-nlp.
   * - `'en'`: everything through wink-nlp;
   * - `'zh'`: everything through jieba (Latin words get jieba's `eng` → `X`).
   */
  readonly lang?: PosLanguage;
}

const LANGS: readonly PosLanguage[] = ['auto', 'en', 'zh'];
const LETTER_RE = /\p{L}/u;
const ONLY_PUNCT_RE = /^\p{P}+$/u;
/** This module's own copy of the global run pattern (its lastIndex is state). */
const RUN_RE = new RegExp(NO_SPACE_RUN_RE.source, NO_SPACE_RUN_RE.flags);

/**
 * Splits `text` into tokens tagged with Universal Dependencies parts of speech, and lemmas for
 * English. English uses wink-nlp and its shipped `wink-eng-lite-web-model`; Chinese uses jieba
 * (`@node-rs/jieba`, its own segmentation and ICTCLAS-style tags, mapped as documented on
 * {@link JIEBA_TO_UNIVERSAL}). Both are optional packages, loaded on first use; whitespace is never a token.
 *
 * @example
 * ```ts
 * tagPartsOfSpeech('The foxes were jumping.')
 * // [{token: 'The', pos: 'DET', tag: 'DET', lemma: 'the'}, {token: 'foxes', pos: 'NOUN', …, lemma: 'fox'}, …]
 * tagPartsOfSpeech('我是北京大学的研究生')
 * // 我/PRON(r) 是/VERB(v) 北京大学/PROPN(nt) 的/PART(uj) 研究生/NOUN(n)
 * ```
 * @throws UsageError for bad arguments; MissingPackageError (with the `npm install` command) when a
 *   tagger the text needs is not installed.
 */
export function tagPartsOfSpeech(text: string, options: TagOptions = {}): TaggedToken[] {
  if (typeof text !== 'string') throw new UsageError(`tagPartsOfSpeech: expected a string, got ${typeof text}`);
  const lang = options.lang ?? 'auto';
  if (!LANGS.includes(lang))
    throw new UsageError(`tagPartsOfSpeech option lang: expected 'auto' | 'en' | 'zh', got ${JSON.stringify(lang)}`);
  const out: TaggedToken[] = [];
  if (lang === 'en') tagEnglishInto(text, out);
  else if (lang === 'zh') tagChineseInto(text, out);
  else if (!HAS_NO_SPACE_SCRIPT_RE.test(text)) tagOtherInto(text, out);
  else tagMixedInto(text, out);
  return out;
}

/** 'auto' on text with runs of no-space scripts: each run by its language, the text between as English. */
function tagMixedInto(text: string, out: TaggedToken[]): void {
  const re = RUN_RE;
  re.lastIndex = 0;
  let last = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m.index > last) tagOtherInto(text.slice(last, m.index), out);
    const run = m[0];
    if (NOT_CHINESE_NO_SPACE_RE.test(run)) tagSegmentedInto(run, out);
    else tagChineseInto(run, out);
    last = m.index + run.length;
  }
  if (last < text.length) tagOtherInto(text.slice(last), out);
}

/** English through wink-nlp when `text` has letters; numbers and punctuation alone are tagged here. */
function tagOtherInto(text: string, out: TaggedToken[]): void {
  if (LETTER_RE.test(text)) {
    tagEnglishInto(text, out);
    return;
  }
  for (const token of text.match(WORD_OR_PUNCT_RE) ?? []) {
    out.push({ token, pos: startsWithWordChar(token) ? (NUMBER_RE.test(token) ? 'NUM' : 'X') : punctuationTag(token), tag: '' });
  }
}

let segmenter: Intl.Segmenter | undefined;

/** Japanese, Thai …: no tagger here; `Intl.Segmenter` words tagged X. */
function tagSegmentedInto(run: string, out: TaggedToken[]): void {
  segmenter ??= new Intl.Segmenter('und', { granularity: 'word' });
  for (const seg of segmenter.segment(run)) {
    if (seg.isWordLike) out.push({ token: seg.segment, pos: 'X', tag: '' });
    else if (seg.segment.trim().length > 0) out.push({ token: seg.segment, pos: punctuationTag(seg.segment), tag: '' });
  }
}

function punctuationTag(token: string): UniversalPosTag {
  return ONLY_PUNCT_RE.test(token) ? 'PUNCT' : 'SYM';
}
