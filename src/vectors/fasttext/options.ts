import { UsageError } from '../../errors.js';
import { resolveOptions, type ResolvedWord2VecOptions, type Word2VecOptions } from '../word2vec/options.js';

/** Options of {@link FastText} training: the word2vec options plus the subword settings. */
export interface FastTextOptions extends Omit<Word2VecOptions, 'hs' | 'cbowMean' | 'sharedNegatives'> {
  /** Shortest character n-gram (default 3). */
  minn?: number;
  /** Longest character n-gram (default 6; 0 = no subwords, plain word vectors). */
  maxn?: number;
  /** Hash buckets of the n-grams (default 2,000,000, fastText's). */
  bucket?: number;
  /**
   * fastText's dictionary as its CLI builds it: every sentence ends with the word `</s>` (counted once
   * per sentence, subsampled like any word, without n-grams — Dictionary::getLine), and subsampling
   * frequencies are divided by every token read, rare words and `</s>` included (`ntokens`). Default
   * false: on the shared corpus it scored 66.96 % CBOW analogy against 68.14 % without, and 61.78 %
   * against 62.08 % in skip-gram (docs/benchmarks.md).
   */
  eos?: boolean;
  /**
   * How much training an epoch is. 'vocabulary': one pass over the in-vocabulary words.
   * 'all-tokens' (default): as many in-vocabulary words as the corpus has tokens of any kind — words below
   * minCount too, and one `</s>` per sentence with `eos` — so training goes on past the last pass,
   * from the corpus start again, by the share of those rare tokens, while the learning rate decays
   * over the longer run. This is fastText's trainThread: it trains until its count of in-vocabulary
   * tokens reaches `epoch × ntokens`, and its ntokens counts every token read. The extra words are
   * few (1.5 % on the shared corpus) and trained at the smallest rates, yet the frequent words'
   * vectors end up adapted to the corpus start instead of its end (docs/benchmarks.md, "fastText
   * skip-gram gap: the training fastText does past its last epoch"). Meant with the 'global'
   * learning-rate decay (fastText's); a corpus whose tokens are mostly below minCount trains
   * correspondingly longer, as with fastText.
   */
  epochLength?: EpochLength;
}

/** See {@link FastTextOptions.epochLength}. */
export type EpochLength = 'vocabulary' | 'all-tokens';

export type ResolvedFastTextOptions = ResolvedWord2VecOptions & {
  minn: number;
  maxn: number;
  bucket: number;
  eos: boolean;
  epochLength: EpochLength;
};

/**
 * fastText's defaults where they differ from word2vec's: learning rate 0.05 decayed linearly to 0,
 * `t` 1e-4, noise distribution counts^0.5 (fastText's negative table), minn 3, maxn 6, 2M buckets,
 * and the learning rate decayed by the words trained by all threads together (fastText's shared
 * token count: `alphaDecay` 'global'; per-part decay cost 0.4 analogy points in skip-gram on the
 * full shared corpus, docs/benchmarks.md).
 */
export const FASTTEXT_DEFAULTS = Object.freeze({
  alpha: 0.05,
  minAlpha: 0,
  alphaDecay: 'global',
  sample: 1e-4,
  nsExponent: 0.5,
  minn: 3,
  maxn: 6,
  bucket: 2_000_000,
  eos: false,
  epochLength: 'all-tokens',
} as const);

export function resolveFastTextOptions(o: FastTextOptions = {}): ResolvedFastTextOptions {
  const d = FASTTEXT_DEFAULTS;
  const base = resolveOptions({
    ...o,
    alpha: o.alpha ?? d.alpha,
    minAlpha: o.minAlpha ?? d.minAlpha,
    alphaDecay: o.alphaDecay ?? d.alphaDecay,
    sample: o.sample ?? d.sample,
    nsExponent: o.nsExponent ?? d.nsExponent,
    hs: false,
  });
  if (base.negative < 1) throw new UsageError('fastText training needs negative >= 1');
  const minn = o.minn ?? d.minn;
  const maxn = o.maxn ?? d.maxn;
  const bucket = o.bucket ?? (maxn > 0 ? d.bucket : 0);
  for (const [name, v] of [
    ['minn', minn],
    ['maxn', maxn],
    ['bucket', bucket],
  ] as const)
    if (!Number.isInteger(v) || v < 0) throw new UsageError(`${name} must be an integer >= 0, got ${v}`);
  if (maxn > 0 && (minn < 1 || minn > maxn)) throw new UsageError(`need 1 <= minn <= maxn, got minn ${minn}, maxn ${maxn}`);
  if (maxn > 0 && bucket < 1) throw new UsageError('bucket must be >= 1 when maxn > 0');
  const epochLength = o.epochLength ?? d.epochLength;
  if (epochLength !== 'vocabulary' && epochLength !== 'all-tokens')
    throw new UsageError(`epochLength must be 'vocabulary' or 'all-tokens', got ${String(epochLength)}`);
  return { ...base, minn, maxn, bucket, eos: o.eos ?? d.eos, epochLength };
}
