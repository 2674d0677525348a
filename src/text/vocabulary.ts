import { UsageError } from '../errors.js';

/**
 * A frozen vocabulary: words sorted by descending corpus count (ties keep first-seen order), with
 * their counts. Word i is row i of the trained vectors.
 */
export class Vocabulary {
  readonly words: readonly string[];
  readonly counts: Float64Array;
  /** Sum of all counts (in-vocabulary tokens of the corpus). */
  readonly totalCount: number;
  private readonly index: Map<string, number>;

  constructor(words: readonly string[], counts: Float64Array) {
    if (words.length !== counts.length) throw new UsageError(`vocabulary has ${words.length} words but ${counts.length} counts`);
    this.words = words;
    this.counts = counts;
    this.index = new Map();
    let total = 0;
    for (let i = 0; i < words.length; i++) {
      if (this.index.has(words[i])) throw new UsageError(`duplicate word '${words[i]}' in vocabulary`);
      this.index.set(words[i], i);
      total += counts[i];
    }
    this.totalCount = total;
  }

  get size(): number {
    return this.words.length;
  }

  /** Row of `word`, or -1. */
  indexOf(word: string): number {
    return this.index.get(word) ?? -1;
  }

  has(word: string): boolean {
    return this.index.has(word);
  }
}
