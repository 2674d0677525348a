import { UsageError } from '../errors.js';
import type { StreamSink } from './encoded-corpus.js';
import { Vocabulary } from './vocabulary.js';

/** How the vocabulary is cut down (gensim's min_count / max_vocab_size / max_final_vocab). */
export interface VocabularyOptions {
  /** Words seen fewer times are dropped. Default 5. */
  minCount?: number;
  /**
   * Bound on distinct words held *during* the scan: when exceeded, words with count < k are pruned
   * and k grows by one each time (gensim's max_vocab_size; gensim#361). Counts of pruned words
   * restart from zero if they reappear, so they are approximate. Default: unbounded.
   */
  maxVocabSize?: number;
  /**
   * Bound on the final vocabulary: the effective min count is raised to (count of the
   * (maxFinalVocab+1)-th most frequent word) + 1, as gensim does, so ties never make the cut
   * arbitrary (the result may be smaller than maxFinalVocab). Default: unbounded.
   */
  maxFinalVocab?: number;
  /** Sentences longer than this many tokens are split (gensim's 10000). */
  maxSentenceLength?: number;
}

/** Result of a scan: the vocabulary plus the map from scan ids to vocabulary rows. */
export interface ScanResult {
  vocabulary: Vocabulary;
  /** remap[scanId] = vocabulary row, or -1 if the word was dropped or pruned. */
  remap: Int32Array;
  /** Tokens seen (including dropped words). */
  rawTokens: number;
  sentences: number;
  /** Distinct words seen before min-count (after any pruning). */
  distinctWords: number;
  /** Min count actually applied (raised by maxFinalVocab). */
  effectiveMinCount: number;
  /** Times the scan had to prune for maxVocabSize. */
  prunes: number;
}

/**
 * Counts words in one pass over tokenized sentences. Every token gets a provisional "scan id"
 * (first-seen order); when a `sink` is given the sentences are also written to it as scan ids, so
 * the corpus need not be tokenized again for training: the scan ids are mapped to vocabulary rows
 * with `remap` afterwards.
 */
export class VocabScanner {
  private readonly ids = new Map<string, number>();
  private scanWords: (string | undefined)[] = [];
  private counts = new Float64Array(1024);
  private nextId = 0;
  private minReduce = 1;
  private prunes = 0;
  private rawTokens = 0;
  private sentences = 0;
  private readonly maxVocabSize: number;
  private readonly maxSentenceLength: number;

  constructor(
    private readonly options: VocabularyOptions = {},
    private readonly sink?: StreamSink,
  ) {
    this.maxVocabSize = options.maxVocabSize ?? Infinity;
    this.maxSentenceLength = options.maxSentenceLength ?? 10000;
    if (!(this.maxVocabSize >= 1)) throw new UsageError(`maxVocabSize must be >= 1, got ${options.maxVocabSize}`);
    if (!Number.isInteger(this.maxSentenceLength) || this.maxSentenceLength < 1) {
      throw new UsageError(`maxSentenceLength must be a positive integer, got ${options.maxSentenceLength}`);
    }
  }

  /** Adds one sentence (a line's tokens). */
  addSentence(tokens: readonly string[]): void {
    const n = tokens.length;
    if (n === 0) return;
    const sink = this.sink;
    const ids = this.ids;
    let counts = this.counts;
    for (let i = 0; i < n; i++) {
      const word = tokens[i];
      let id = ids.get(word);
      if (id === undefined) {
        id = this.nextId++;
        const own = ownString(word);
        ids.set(own, id);
        this.scanWords.push(own);
        if (id >= counts.length) {
          const grown = new Float64Array(counts.length * 2);
          grown.set(counts);
          this.counts = counts = grown;
        }
      }
      counts[id]++;
      if (sink) {
        sink.writeId(id);
        if ((i + 1) % this.maxSentenceLength === 0 && i + 1 < n) sink.endSentence();
      }
    }
    if (sink) sink.endSentence();
    this.rawTokens += n;
    this.sentences++;
    if (ids.size > this.maxVocabSize) this.prune();
  }

  private prune(): void {
    // gensim utils.prune_vocab: drop words with count < min_reduce, then min_reduce += 1.
    while (this.ids.size > this.maxVocabSize) {
      for (const [word, id] of this.ids) {
        if (this.counts[id] < this.minReduce) {
          this.ids.delete(word);
          this.counts[id] = -1;
          this.scanWords[id] = undefined;
        }
      }
      this.minReduce++;
      this.prunes++;
    }
  }

  /** Number of tokens added so far. */
  get tokenCount(): number {
    return this.rawTokens;
  }

  /** Freezes the vocabulary. */
  finish(): ScanResult {
    const minCount = this.options.minCount ?? 5;
    if (!(minCount >= 1)) throw new UsageError(`minCount must be >= 1, got ${minCount}`);
    const live: number[] = [];
    for (const id of this.ids.values()) live.push(id);
    // Descending count; ties by first-seen order (deterministic).
    live.sort((a, b) => this.counts[b] - this.counts[a] || a - b);
    let effectiveMinCount = minCount;
    const maxFinal = this.options.maxFinalVocab;
    if (maxFinal !== undefined) {
      if (!(maxFinal >= 1)) throw new UsageError(`maxFinalVocab must be >= 1, got ${maxFinal}`);
      if (maxFinal < live.length) effectiveMinCount = Math.max(minCount, this.counts[live[maxFinal]] + 1);
    }
    let kept = 0;
    while (kept < live.length && this.counts[live[kept]] >= effectiveMinCount) kept++;
    const words: string[] = new Array(kept);
    const counts = new Float64Array(kept);
    const remap = new Int32Array(this.nextId).fill(-1);
    for (let r = 0; r < kept; r++) {
      const id = live[r];
      words[r] = this.scanWords[id] as string;
      counts[r] = this.counts[id];
      remap[id] = r;
    }
    return {
      vocabulary: new Vocabulary(words, counts),
      remap,
      rawTokens: this.rawTokens,
      sentences: this.sentences,
      distinctWords: this.ids.size,
      effectiveMinCount,
      prunes: this.prunes,
    };
  }
}

/**
 * A copy of `s` that does not share memory with the line it was cut from (V8 keeps substrings of
 * 13+ characters as views of their parent, so every long word kept in the vocabulary would keep
 * its whole line alive).
 */
function ownString(s: string): string {
  return s.length < 13 ? s : Buffer.from(s, 'utf8').toString('utf8');
}
