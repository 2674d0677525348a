import type { UniversalPosTag } from './universal-tags.js';

/** A token with its part of speech, as {@link tagPartsOfSpeech} returns it. */
export interface TaggedToken {
  /** The token as it is written in the text (not lowercased). */
  readonly token: string;
  /** Its Universal Dependencies part-of-speech tag (`NOUN`, `VERB`, `PROPN` …). */
  readonly pos: UniversalPosTag;
  /**
   * The tagger's own tag: for English the same UPOS tag (wink-nlp tags in UPOS), for Chinese jieba's
   * ICTCLAS-style tag (`n`, `nr`, `ns`, `v`, `vn` … see {@link JIEBA_TO_UNIVERSAL}), and `''` for
   * text no tagger saw (numbers and punctuation between Chinese runs, Japanese or Thai words).
   */
  readonly tag: string;
  /** The dictionary form where the tagger gives one (English: "running" → "run", "was" → "be", "n't" → "not"). */
  readonly lemma?: string;
}

/** Languages of {@link tagPartsOfSpeech}: `'auto'` tags runs of Chinese characters as Chinese and the rest as English. */
export type PosLanguage = 'auto' | 'en' | 'zh';
