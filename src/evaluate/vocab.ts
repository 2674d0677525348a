/** The lookup table gensim's evaluations use: the first `restrictVocab` words, optionally upper-cased. */
import { UsageError } from '../errors.js';
import type { KeyedVectors } from '../vectors/keyed-vectors.js';

/**
 * Maps each of the first `restrictVocab` words (upper-cased when `caseInsensitive`) to its row.
 * When several words share an upper-case form, the first (most frequent) row wins, like gensim.
 */
export function evaluationVocab(kv: KeyedVectors, restrictVocab: number, caseInsensitive: boolean): Map<string, number> {
  const limit = vocabLimit(kv, restrictVocab);
  const map = new Map<string, number>();
  for (let i = 0; i < limit; i++) {
    const key = caseInsensitive ? kv.words[i].toUpperCase() : kv.words[i];
    if (!map.has(key)) map.set(key, i);
  }
  return map;
}

/** `restrictVocab` clamped to the vocabulary size; throws UsageError unless a positive integer or Infinity. */
export function vocabLimit(kv: KeyedVectors, restrictVocab: number): number {
  if (!(restrictVocab === Infinity || (Number.isInteger(restrictVocab) && restrictVocab > 0))) {
    throw new UsageError(`restrictVocab must be a positive integer, got ${restrictVocab}`);
  }
  return Math.min(restrictVocab, kv.size);
}
