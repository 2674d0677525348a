import type { UniversalPosTag } from './universal-tags.js';

/**
 * jieba's part-of-speech tags (the ICTCLAS / Peking University tag set its dictionary uses, plus
 * `eng` and the named-entity tags `PER` `LOC` `ORG` `TIME`) mapped to Universal POS. The choices
 * where the two sets do not line up, following the UD Chinese treebanks where they say:
 * - a word class used in another function is tagged by the function: `vn` (verb used as a noun,
 *   e.g. 研究 "research") and `an` (adjective used as a noun) are NOUN, `vd` (verb used as an
 *   adverbial) and `ad` (adjective used as an adverbial) are ADV;
 * - classifiers `q` and locatives `f` (上, 后), place words `s` and time words `t` are NOUN;
 * - proper nouns (`nr` people, `ns` places, `nt` organisations, `nz` other, `nw` works, `j`
 *   abbreviations such as 北大) are PROPN;
 * - distinguishing words `b` (男, 大型) and status words `z` (雪白) are ADJ;
 * - structural and aspect particles `u*` (的 地 得 了 着 过), modal particles `y` (吗 呢) and
 *   prefixes/suffixes `h`/`k` are PART; interjections `e` and onomatopoeia `o` are INTJ;
 * - `c` (conjunction) is CCONJ: jieba does not tell coordinating from subordinating ones;
 * - idioms `i` (成语), fixed expressions `l`, morphemes `g`, English words `eng` and `x` (jieba's
 *   tag for words it could not tag, such as words found by its HMM) are X.
 * Punctuation and symbols are PUNCT and SYM by their characters, whatever jieba's tag (it tags
 * them `x`). A tag not in the table (from a user dictionary) falls back on its first letter.
 */
export const JIEBA_TO_UNIVERSAL: Readonly<Record<string, UniversalPosTag>> = Object.freeze({
  n: 'NOUN',
  ng: 'NOUN',
  f: 'NOUN',
  s: 'NOUN',
  t: 'NOUN',
  tg: 'NOUN',
  q: 'NOUN',
  vn: 'NOUN',
  an: 'NOUN',
  TIME: 'NOUN',
  nr: 'PROPN',
  nrt: 'PROPN',
  nrfg: 'PROPN',
  ns: 'PROPN',
  nt: 'PROPN',
  nz: 'PROPN',
  nw: 'PROPN',
  j: 'PROPN',
  PER: 'PROPN',
  LOC: 'PROPN',
  ORG: 'PROPN',
  v: 'VERB',
  vg: 'VERB',
  vi: 'VERB',
  vq: 'VERB',
  vd: 'ADV',
  a: 'ADJ',
  ag: 'ADJ',
  b: 'ADJ',
  z: 'ADJ',
  zg: 'ADJ',
  ad: 'ADV',
  d: 'ADV',
  df: 'ADV',
  dg: 'ADV',
  m: 'NUM',
  mq: 'NUM',
  mg: 'NUM',
  r: 'PRON',
  rr: 'PRON',
  rz: 'PRON',
  rg: 'PRON',
  p: 'ADP',
  c: 'CCONJ',
  u: 'PART',
  ud: 'PART',
  ug: 'PART',
  uj: 'PART',
  ul: 'PART',
  uv: 'PART',
  uz: 'PART',
  y: 'PART',
  h: 'PART',
  k: 'PART',
  e: 'INTJ',
  o: 'INTJ',
  w: 'PUNCT',
  i: 'X',
  l: 'X',
  g: 'X',
  eng: 'X',
  x: 'X',
});

/** First-letter fallback for tags outside {@link JIEBA_TO_UNIVERSAL}. */
const BY_FIRST_LETTER: Readonly<Record<string, UniversalPosTag>> = {
  n: 'NOUN',
  v: 'VERB',
  a: 'ADJ',
  d: 'ADV',
  m: 'NUM',
  r: 'PRON',
  p: 'ADP',
  c: 'CCONJ',
  u: 'PART',
};

const ONLY_PUNCT_RE = /^\p{P}+$/u;
const ONLY_PUNCT_OR_SYMBOL_RE = /^[\p{P}\p{S}]+$/u;

/**
 * The Universal POS tag of a word tagged `tag` by jieba (see {@link JIEBA_TO_UNIVERSAL}).
 * `word` decides for punctuation and symbols, which jieba tags `x`.
 */
export function jiebaTagToUniversal(tag: string, word: string): UniversalPosTag {
  if (ONLY_PUNCT_OR_SYMBOL_RE.test(word)) return ONLY_PUNCT_RE.test(word) ? 'PUNCT' : 'SYM';
  if (Object.hasOwn(JIEBA_TO_UNIVERSAL, tag)) return JIEBA_TO_UNIVERSAL[tag];
  const first = tag.charAt(0);
  return Object.hasOwn(BY_FIRST_LETTER, first) ? BY_FIRST_LETTER[first] : 'X';
}
