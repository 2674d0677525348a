import { UsageError } from '../../errors.js';

/**
 * The 17 part-of-speech tags of Universal Dependencies (UPOS, https://universaldependencies.org/u/pos/),
 * the one tag set of {@link tagPartsOfSpeech} for every language.
 */
export const UNIVERSAL_POS_TAGS = Object.freeze([
  'ADJ',
  'ADP',
  'ADV',
  'AUX',
  'CCONJ',
  'DET',
  'INTJ',
  'NOUN',
  'NUM',
  'PART',
  'PRON',
  'PROPN',
  'PUNCT',
  'SCONJ',
  'SYM',
  'VERB',
  'X',
] as const);

/** One Universal Dependencies part-of-speech tag (`'NOUN'`, `'VERB'` …), see {@link UNIVERSAL_POS_TAGS}. */
export type UniversalPosTag = (typeof UNIVERSAL_POS_TAGS)[number];

const TAGS: ReadonlySet<string> = new Set(UNIVERSAL_POS_TAGS);

/** Whether `tag` is one of the {@link UNIVERSAL_POS_TAGS}. */
export function isUniversalPosTag(tag: unknown): tag is UniversalPosTag {
  return typeof tag === 'string' && TAGS.has(tag);
}

/**
 * Checks a list of tags (case-insensitive, so `'noun'` is `'NOUN'`) and returns them upper-cased,
 * without repeats, in the order of {@link UNIVERSAL_POS_TAGS}.
 * @throws UsageError naming `what` for a tag outside the set or an empty list.
 */
export function parseUniversalPosTags(tags: Iterable<unknown>, what: string): UniversalPosTag[] {
  if (typeof tags === 'string' || tags === null || typeof tags !== 'object' || !(Symbol.iterator in tags)) {
    throw new UsageError(`${what}: expected a list of part-of-speech tags (${UNIVERSAL_POS_TAGS.join(' ')})`);
  }
  const seen = new Set<string>();
  for (const tag of tags) {
    const upper = typeof tag === 'string' ? tag.trim().toUpperCase() : tag;
    if (!isUniversalPosTag(upper)) {
      throw new UsageError(`${what}: '${String(tag)}' is not a Universal POS tag (expected one of ${UNIVERSAL_POS_TAGS.join(' ')})`);
    }
    seen.add(upper);
  }
  if (seen.size === 0) throw new UsageError(`${what}: give at least one part-of-speech tag`);
  return UNIVERSAL_POS_TAGS.filter((t) => seen.has(t));
}
