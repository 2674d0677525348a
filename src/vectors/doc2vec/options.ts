import { UsageError } from '../../errors.js';
import type { TokenizerOptions } from '../../text/tokenizer-options.js';
import type { TrainingProgress, Word2VecOptions } from '../word2vec/options.js';
import { resolveOptions as resolveWord2VecOptions, type ResolvedWord2VecOptions } from '../word2vec/options.js';

/**
 * Hyper-parameters of Doc2Vec training (Le & Mikolov 2014). Names and defaults follow embedkit's
 * word2vec options and gensim's Doc2Vec (dm, dbow_words, dm_mean).
 */
export interface Doc2VecOptions extends Pick<
  Word2VecOptions,
  | 'dim'
  | 'window'
  | 'negative'
  | 'hs'
  | 'nsExponent'
  | 'sample'
  | 'minAlpha'
  | 'workers'
  | 'seed'
  | 'jobWords'
  | 'minCount'
  | 'progressInterval'
  | 'signal'
> {
  /** 'dbow' (PV-DBOW, default: fast and usually the better vectors) or 'dm' (PV-DM). */
  model?: 'dbow' | 'dm';
  /** PV-DBOW: also train word vectors by skip-gram on the same windows (gensim's dbow_words). Default false. */
  dbowWords?: boolean;
  /** PV-DM: average the word and document vectors of the input (true, default) or sum them (gensim's dm_mean). */
  dmMean?: boolean;
  /**
   * How the learning rate's progress is measured (see word2vec's alpha-schedule.ts): 'global'
   * (default: by the words all workers have trained, as gensim's Doc2Vec on an iterable corpus) or
   * 'per-part'.
   */
  alphaDecay?: Word2VecOptions['alphaDecay'];
  /** Passes over the documents. Default 10 (gensim's Doc2Vec). */
  epochs?: number;
  /** Initial learning rate. Default 0.025 (gensim). */
  alpha?: number;
  /** Words kept per document (after subsampling); the rest of a longer document is not trained. Default 10000 (gensim's MAX_DOCUMENT_LEN). */
  maxDocumentLength?: number;
  /** Called with progress during training (phase 'train'; `wordsDone` counts document words). */
  onProgress?: (p: TrainingProgress) => void;
}

/** {@link Doc2VecOptions} with every default filled in. */
export type ResolvedDoc2VecOptions = Required<Omit<Doc2VecOptions, 'onProgress' | 'signal'>> &
  Pick<Doc2VecOptions, 'onProgress' | 'signal'>;

/** The defaults of {@link Doc2VecOptions} that differ from word2vec's or are Doc2Vec's own. */
export const DOC2VEC_DEFAULTS = Object.freeze({
  model: 'dbow',
  dbowWords: false,
  dmMean: true,
  alpha: 0.025,
  epochs: 10,
  alphaDecay: 'global',
  maxDocumentLength: 10_000,
} as const);

/** Validates `o` and fills in defaults (the shared hyper-parameters are checked by word2vec's resolver). */
export function resolveDoc2VecOptions(o: Doc2VecOptions = {}): ResolvedDoc2VecOptions {
  const d = DOC2VEC_DEFAULTS;
  const model = o.model ?? d.model;
  if (model !== 'dbow' && model !== 'dm') throw new UsageError(`model must be 'dbow' or 'dm', got '${String(model)}'`);
  const dbowWords = o.dbowWords ?? d.dbowWords;
  if (dbowWords && model !== 'dbow') throw new UsageError("dbowWords applies to model 'dbow' only");
  const w = resolveWord2VecOptions({
    ...o,
    model: model === 'dm' ? 'cbow' : 'skipgram',
    alpha: o.alpha ?? d.alpha,
    epochs: o.epochs ?? d.epochs,
    alphaDecay: o.alphaDecay ?? d.alphaDecay,
  });
  const maxDocumentLength = o.maxDocumentLength ?? d.maxDocumentLength;
  if (!Number.isInteger(maxDocumentLength) || maxDocumentLength < 1)
    throw new UsageError(`maxDocumentLength must be an integer >= 1, got ${maxDocumentLength}`);
  return {
    model,
    dbowWords,
    dmMean: o.dmMean ?? d.dmMean,
    dim: w.dim,
    window: w.window,
    negative: w.negative,
    hs: w.hs,
    nsExponent: w.nsExponent,
    sample: w.sample,
    epochs: w.epochs,
    alpha: w.alpha,
    minAlpha: w.minAlpha,
    alphaDecay: w.alphaDecay,
    workers: w.workers,
    seed: w.seed,
    jobWords: w.jobWords,
    minCount: w.minCount,
    progressInterval: w.progressInterval,
    maxDocumentLength,
    onProgress: o.onProgress,
    signal: o.signal,
  };
}

/** The word2vec options the shared layout and tables are built from (PV-DM as CBOW, PV-DBOW as skip-gram). */
export function word2vecOptionsOf(o: ResolvedDoc2VecOptions, workers = o.workers): ResolvedWord2VecOptions {
  return resolveWord2VecOptions({
    model: o.model === 'dm' ? 'cbow' : 'skipgram',
    dim: o.dim,
    window: o.window,
    negative: o.negative,
    hs: o.hs,
    nsExponent: o.nsExponent,
    sample: o.sample,
    epochs: o.epochs,
    alpha: o.alpha,
    minAlpha: o.minAlpha,
    alphaDecay: o.alphaDecay,
    cbowMean: o.dmMean,
    sharedNegatives: false,
    workers,
    seed: o.seed,
    jobWords: o.jobWords,
    minCount: o.minCount,
    maxSentenceLength: o.maxDocumentLength,
    progressInterval: o.progressInterval,
    onProgress: o.onProgress,
    signal: o.signal,
  });
}

/** What a saved model keeps of its options (JSON-safe; no callbacks, nothing of the machine). */
export type StoredDoc2VecOptions = Omit<ResolvedDoc2VecOptions, 'onProgress' | 'signal' | 'workers' | 'progressInterval'>;

/** The part of `o` a model keeps. */
export function storedOptions(o: ResolvedDoc2VecOptions): StoredDoc2VecOptions {
  const { onProgress: _p, signal: _s, workers: _w, progressInterval: _i, ...stored } = o;
  return stored;
}

/** The tokenizer settings a model was trained with (kept so new texts are tokenized the same way). */
export type StoredTokenizerOptions = TokenizerOptions;
