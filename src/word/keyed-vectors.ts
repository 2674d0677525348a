import { EmbedkitError, UsageError } from '../errors.js';

/** Thrown when a word is not in the vocabulary. */
export class KeyError extends EmbedkitError {
  constructor(readonly word: string) {
    super(`word '${word}' not in vocabulary`, 'EMBEDKIT_KEY');
  }
}

export interface KeyedVectorsInit {
  /** Words in row order (usually most frequent first). Must be unique. */
  words: readonly string[];
  /** `words.length × dim` row-major float32 matrix. Not copied. */
  vectors: Float32Array;
  dim: number;
  /** Optional corpus frequency of each word (training counts), in row order. */
  counts?: Float64Array;
}

/**
 * Word vectors, kept apart from any training state (like gensim's KeyedVectors): a vocabulary and
 * one row-major Float32Array. Cheap to load, safe to share.
 */
export class KeyedVectors {
  readonly dim: number;
  readonly words: readonly string[];
  readonly vectors: Float32Array;
  readonly counts: Float64Array | undefined;
  protected readonly wordIndex: Map<string, number>;

  constructor(init: KeyedVectorsInit) {
    const { words, vectors, dim } = init;
    if (!Number.isInteger(dim) || dim <= 0) throw new UsageError(`dim must be a positive integer, got ${dim}`);
    if (vectors.length !== words.length * dim) {
      throw new UsageError(
        `vectors has ${vectors.length} floats, expected words.length × dim = ${words.length} × ${dim}`,
      );
    }
    if (init.counts && init.counts.length !== words.length) {
      throw new UsageError(`counts has ${init.counts.length} entries for ${words.length} words`);
    }
    this.dim = dim;
    this.words = words;
    this.vectors = vectors;
    this.counts = init.counts;
    this.wordIndex = new Map();
    for (let i = 0; i < words.length; i++) {
      if (this.wordIndex.has(words[i])) throw new UsageError(`duplicate word '${words[i]}' at rows ${this.wordIndex.get(words[i])} and ${i}`);
      this.wordIndex.set(words[i], i);
    }
  }

  /** Number of words (rows). */
  get size(): number {
    return this.words.length;
  }

  /** Row index of `word`, or -1. */
  indexOf(word: string): number {
    return this.wordIndex.get(word) ?? -1;
  }

  has(word: string): boolean {
    return this.wordIndex.has(word);
  }

  /** The vector of `word` as a view into `vectors` (no copy). Throws KeyError if absent. */
  get(word: string): Float32Array {
    const i = this.wordIndex.get(word);
    if (i === undefined) throw new KeyError(word);
    return this.vectorAt(i);
  }

  /** The vector of row `i` as a view (no copy). */
  vectorAt(i: number): Float32Array {
    if (!(i >= 0 && i < this.words.length)) throw new UsageError(`row ${i} out of range 0..${this.words.length - 1}`);
    return this.vectors.subarray(i * this.dim, (i + 1) * this.dim);
  }
}
