/** Word-similarity evaluation reproducing gensim's `KeyedVectors.evaluate_word_pairs`. */
import { FileFormatError } from '../errors.js';
import { dot } from '../math/dense.js';
import { pearson, spearman } from '../math/stats.js';
import type { KeyedVectors } from '../vectors/keyed-vectors.js';
import { type EvaluationSource, loadSource } from './source.js';
import { evaluationVocab } from './vocab.js';
import { parseWordPairs } from './word-pairs-file.js';

/** Options of {@link evaluateWordPairs}. */
export interface WordPairOptions {
  /** Only the first `restrictVocab` words are known (default 300000). */
  restrictVocab?: number;
  /** Compare words upper-cased; of several case variants the first row is used (default true). */
  caseInsensitive?: boolean;
  /** Give pairs with unknown words similarity 0 instead of skipping them (default false). */
  dummy4unknown?: boolean;
  /** Field separator (default tab). */
  delimiter?: string;
  /** Malformed lines are a FileFormatError (default true); when false they are skipped like gensim. */
  strict?: boolean;
}

/** The defaults of {@link WordPairOptions} (gensim's). */
export const WORD_PAIR_DEFAULTS = Object.freeze({
  restrictVocab: 300000,
  caseInsensitive: true,
  dummy4unknown: false,
  delimiter: '\t',
  strict: true,
} as const satisfies Partial<WordPairOptions>);

/** Result of {@link evaluateWordPairs}. */
export interface WordPairResult {
  /** Pearson correlation of model cosine similarities with the human scores (NaN below 2 pairs). */
  readonly pearson: number;
  /** Spearman rank correlation, ties averaged (NaN below 2 pairs). */
  readonly spearman: number;
  /** Percentage (0–100, like gensim) of the file's pairs that have an unknown word. */
  readonly oovRatio: number;
  /** Pairs that entered the correlations (with `dummy4unknown`, unknown ones included). */
  readonly pairs: number;
  /** Pairs with an unknown word. */
  readonly oov: number;
}

/**
 * Correlates `kv`'s cosine similarities with human similarity judgements (wordsim353.tsv format)
 * like gensim's `evaluate_word_pairs`: pairs with a word outside the first `restrictVocab` words are
 * skipped (or scored 0 with `dummy4unknown`); Pearson r and Spearman rho are computed as scipy does.
 *
 * @param source Path of the file, or its text (see {@link EvaluationSource}).
 * @throws FileFormatError for an unreadable or malformed file, or one without pairs.
 */
export async function evaluateWordPairs(
  kv: KeyedVectors,
  source: EvaluationSource,
  options: WordPairOptions = {},
): Promise<WordPairResult> {
  const {
    restrictVocab = WORD_PAIR_DEFAULTS.restrictVocab,
    caseInsensitive = WORD_PAIR_DEFAULTS.caseInsensitive,
    dummy4unknown = WORD_PAIR_DEFAULTS.dummy4unknown,
    delimiter = WORD_PAIR_DEFAULTS.delimiter,
    strict = WORD_PAIR_DEFAULTS.strict,
  } = options;
  const vocab = evaluationVocab(kv, restrictVocab, caseInsensitive);
  const { name, text } = await loadSource(source);
  const { pairs } = parseWordPairs(text, name, delimiter, strict);
  if (pairs.length === 0) throw new FileFormatError(name, 'no word pairs found');
  const fold = caseInsensitive ? (w: string) => w.toUpperCase() : (w: string) => w;
  const normed = kv.normed();
  const dim = kv.dim;
  const gold: number[] = [];
  const model: number[] = [];
  let oov = 0;
  for (const pair of pairs) {
    const a = vocab.get(fold(pair.a));
    const b = vocab.get(fold(pair.b));
    if (a === undefined || b === undefined) {
      oov++;
      if (dummy4unknown) {
        gold.push(pair.score);
        model.push(0);
      }
      continue;
    }
    gold.push(pair.score);
    model.push(Math.fround(dot(normed, normed, dim, a * dim, b * dim)));
  }
  return {
    pearson: pearson(gold, model),
    spearman: spearman(gold, model),
    oovRatio: (oov / pairs.length) * 100,
    pairs: gold.length,
    oov,
  };
}
