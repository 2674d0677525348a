import { availableParallelism } from 'node:os';
import { UsageError } from '../../errors.js';
import { DEFAULT_MAX_SENTENCE_LENGTH } from '../../text/corpus.js';
import type { VocabularyOptions } from '../../text/vocab-scanner.js';
import type { AlphaDecay } from './alpha-schedule.js';

/** Progress of a training run, reported about every `progressInterval` ms. */
export interface TrainingProgress {
  /** 'vocab' while scanning the corpus, 'train' while training. */
  phase: 'vocab' | 'train';
  /** 0..1 of the current phase (vocab: bytes read / total when known). */
  fraction: number;
  epoch: number;
  epochs: number;
  /** In-vocabulary words trained so far (all epochs) / in total. */
  wordsDone: number;
  wordsTotal: number;
  /** Tokens per second over the phase so far. */
  wordsPerSecond: number;
  /** Current learning rate. */
  alpha: number;
  /** Estimated seconds left in this phase. */
  etaSeconds: number;
  /** Mean loss per example since the start of training, when `computeLoss` is on. */
  loss?: number;
  seconds: number;
}

/**
 * Hyper-parameters of word2vec training (Mikolov et al. 2013). Defaults follow word2vec.c / gensim.
 */
export interface Word2VecOptions extends VocabularyOptions {
  /** 'skipgram' (default) or 'cbow'. */
  model?: 'skipgram' | 'cbow';
  /** Vector dimension. Default 100. */
  dim?: number;
  /** Max distance between the centre and a context word; each position uses a random 1..window. Default 5. */
  window?: number;
  /** Negative samples per positive example; 0 disables negative sampling. Default 5. */
  negative?: number;
  /** Use hierarchical softmax (Huffman tree). Default false. */
  hs?: boolean;
  /** Exponent of the unigram noise distribution. Default 0.75. */
  nsExponent?: number;
  /** Frequent-word subsampling threshold (0 disables). Default 1e-3. */
  sample?: number;
  /** Passes over the corpus. Default 5. */
  epochs?: number;
  /** Initial learning rate. Default 0.025 (skip-gram) / 0.05 (CBOW). */
  alpha?: number;
  /** Final learning rate, reached linearly (with `alphaDecay` 'global' or one worker). Default 0.0001. */
  minAlpha?: number;
  /**
   * How the learning rate's progress is measured: 'per-part' (default) as gensim's corpus_file mode —
   * each of the `workers` parts of the corpus trained at once decays by its own position, so with
   * several workers the rate stays above minAlpha; 'global' by the words trained by all workers
   * (word2vec.c). See alpha-schedule.ts.
   */
  alphaDecay?: AlphaDecay;
  /** CBOW: average the context vectors (true, default) or sum them. */
  cbowMean?: boolean;
  /**
   * Skip-gram with negative sampling: draw one set of negatives per centre word and share it across
   * the window (Ji et al. 2016), turning per-pair vector ops into small matrix products. Default
   * true; false gives the per-pair sampling of word2vec.c.
   */
  sharedNegatives?: boolean;
  /** Worker threads. Default: available cores. With 1 worker and a seed, training is bit-for-bit repeatable. */
  workers?: number;
  /** Seed for initial vectors, sampling and negatives. Default 1. */
  seed?: number;
  /** Compute the training loss (slightly slower). Default false. */
  computeLoss?: boolean;
  /** Tokens per job handed to a worker. Default 10000. */
  jobWords?: number;
  /** Called with progress during vocabulary scan and training. */
  onProgress?: (p: TrainingProgress) => void;
  /** Milliseconds between progress reports. Default 500. */
  progressInterval?: number;
  /** Cancels the scan or the training (the promise rejects with an AbortError). */
  signal?: AbortSignal;
  /**
   * Where the corpus is kept between epochs, encoded as word ids (about 2 bytes per token):
   * 'file' (default) — a temp file in `tempDir`, read back through the OS page cache each epoch as
   * word2vec.c and gensim re-read their input, so the process stays small (falls back to memory if
   * the file cannot be created); 'memory' — in the process, up to `corpusMemoryBudget` bytes, then
   * in a temp file.
   */
  corpusStorage?: 'file' | 'memory';
  /** With corpusStorage 'memory': above this many bytes the encoded corpus moves to a temp file. Default 1 GiB. */
  corpusMemoryBudget?: number;
  /** Folder for the temp file of the encoded corpus. Default: os.tmpdir(). */
  tempDir?: string;
}

/** Options with every default filled in. */
export type ResolvedWord2VecOptions = Required<
  Omit<Word2VecOptions, 'onProgress' | 'signal' | 'maxVocabSize' | 'maxFinalVocab' | 'tempDir'>
> &
  Pick<Word2VecOptions, 'onProgress' | 'signal' | 'maxVocabSize' | 'maxFinalVocab' | 'tempDir'>;

/**
 * The defaults of {@link Word2VecOptions} (word2vec.c / gensim), except those that depend on other
 * options or on the machine: `alpha` ({@link DEFAULT_ALPHA}) and `workers` (the available cores).
 */
export const WORD2VEC_DEFAULTS = Object.freeze({
  model: 'skipgram',
  dim: 100,
  window: 5,
  negative: 5,
  hs: false,
  nsExponent: 0.75,
  sample: 1e-3,
  epochs: 5,
  minAlpha: 0.0001,
  alphaDecay: 'per-part',
  cbowMean: true,
  sharedNegatives: true,
  seed: 1,
  computeLoss: false,
  jobWords: 10000,
  progressInterval: 500,
  corpusStorage: 'file',
  corpusMemoryBudget: 2 ** 30,
  minCount: 5,
  maxSentenceLength: DEFAULT_MAX_SENTENCE_LENGTH,
} as const satisfies Partial<ResolvedWord2VecOptions>);

/** Default initial learning rate of each model. */
export const DEFAULT_ALPHA = Object.freeze({ skipgram: 0.025, cbow: 0.05 } as const satisfies Record<
  ResolvedWord2VecOptions['model'],
  number
>);

function positiveInt(name: string, v: number, min = 1): number {
  if (!Number.isInteger(v) || v < min) throw new UsageError(`${name} must be an integer >= ${min}, got ${v}`);
  return v;
}

function nonNegative(name: string, v: number): number {
  if (!(typeof v === 'number' && v >= 0 && Number.isFinite(v))) throw new UsageError(`${name} must be a number >= 0, got ${v}`);
  return v;
}

/** Validates `o` and fills in defaults. */
export function resolveOptions(o: Word2VecOptions = {}): ResolvedWord2VecOptions {
  const d = WORD2VEC_DEFAULTS;
  const model = o.model ?? d.model;
  if (model !== 'skipgram' && model !== 'cbow') throw new UsageError(`model must be 'skipgram' or 'cbow', got '${model}'`);
  const negative = positiveInt('negative', o.negative ?? d.negative, 0);
  const hs = o.hs ?? d.hs;
  if (negative === 0 && !hs) throw new UsageError('negative is 0 and hs is off: enable one of negative sampling or hierarchical softmax');
  const alpha = nonNegative('alpha', o.alpha ?? DEFAULT_ALPHA[model]);
  const minAlpha = nonNegative('minAlpha', o.minAlpha ?? d.minAlpha);
  if (alpha <= 0) throw new UsageError('alpha must be > 0');
  if (minAlpha > alpha) throw new UsageError(`minAlpha (${minAlpha}) must be <= alpha (${alpha})`);
  const seed = o.seed ?? d.seed;
  if (!Number.isFinite(seed)) throw new UsageError(`seed must be a finite number, got ${seed}`);
  const r: ResolvedWord2VecOptions = {
    model,
    dim: positiveInt('dim', o.dim ?? d.dim),
    window: positiveInt('window', o.window ?? d.window),
    negative,
    hs,
    nsExponent: nonNegative('nsExponent', o.nsExponent ?? d.nsExponent),
    sample: nonNegative('sample', o.sample ?? d.sample),
    epochs: positiveInt('epochs', o.epochs ?? d.epochs),
    alpha,
    minAlpha,
    alphaDecay: o.alphaDecay ?? d.alphaDecay,
    cbowMean: o.cbowMean ?? d.cbowMean,
    sharedNegatives: o.sharedNegatives ?? d.sharedNegatives,
    workers: positiveInt('workers', o.workers ?? Math.max(1, availableParallelism())),
    seed,
    computeLoss: o.computeLoss ?? d.computeLoss,
    jobWords: positiveInt('jobWords', o.jobWords ?? d.jobWords),
    progressInterval: positiveInt('progressInterval', o.progressInterval ?? d.progressInterval),
    corpusStorage: o.corpusStorage ?? d.corpusStorage,
    corpusMemoryBudget: positiveInt('corpusMemoryBudget', o.corpusMemoryBudget ?? d.corpusMemoryBudget, 0),
    tempDir: o.tempDir,
    minCount: positiveInt('minCount', o.minCount ?? d.minCount),
    maxSentenceLength: positiveInt('maxSentenceLength', o.maxSentenceLength ?? d.maxSentenceLength),
    maxVocabSize: o.maxVocabSize,
    maxFinalVocab: o.maxFinalVocab,
    onProgress: o.onProgress,
    signal: o.signal,
  };
  if (r.window > 1000) throw new UsageError(`window must be <= 1000, got ${r.window}`);
  if (r.negative > 1000) throw new UsageError(`negative must be <= 1000, got ${r.negative}`);
  if (r.alphaDecay !== 'per-part' && r.alphaDecay !== 'global')
    throw new UsageError(`alphaDecay must be 'per-part' or 'global', got '${r.alphaDecay}'`);
  if (r.corpusStorage !== 'file' && r.corpusStorage !== 'memory')
    throw new UsageError(`corpusStorage must be 'file' or 'memory', got '${r.corpusStorage}'`);
  if (o.maxVocabSize !== undefined) positiveInt('maxVocabSize', o.maxVocabSize);
  if (o.maxFinalVocab !== undefined) positiveInt('maxFinalVocab', o.maxFinalVocab);
  return r;
}
