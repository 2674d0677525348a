import { availableParallelism } from 'node:os';
import { UsageError } from '../../errors.js';
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
  const model = o.model ?? 'skipgram';
  if (model !== 'skipgram' && model !== 'cbow') throw new UsageError(`model must be 'skipgram' or 'cbow', got '${model}'`);
  const negative = positiveInt('negative', o.negative ?? 5, 0);
  const hs = o.hs ?? false;
  if (negative === 0 && !hs) throw new UsageError('negative is 0 and hs is off: enable one of negative sampling or hierarchical softmax');
  const alpha = nonNegative('alpha', o.alpha ?? (model === 'cbow' ? 0.05 : 0.025));
  const minAlpha = nonNegative('minAlpha', o.minAlpha ?? 0.0001);
  if (alpha <= 0) throw new UsageError('alpha must be > 0');
  if (minAlpha > alpha) throw new UsageError(`minAlpha (${minAlpha}) must be <= alpha (${alpha})`);
  const seed = o.seed ?? 1;
  if (!Number.isFinite(seed)) throw new UsageError(`seed must be a finite number, got ${seed}`);
  const r: ResolvedWord2VecOptions = {
    model,
    dim: positiveInt('dim', o.dim ?? 100),
    window: positiveInt('window', o.window ?? 5),
    negative,
    hs,
    nsExponent: nonNegative('nsExponent', o.nsExponent ?? 0.75),
    sample: nonNegative('sample', o.sample ?? 1e-3),
    epochs: positiveInt('epochs', o.epochs ?? 5),
    alpha,
    minAlpha,
    alphaDecay: o.alphaDecay ?? 'per-part',
    cbowMean: o.cbowMean ?? true,
    sharedNegatives: o.sharedNegatives ?? true,
    workers: positiveInt('workers', o.workers ?? Math.max(1, availableParallelism())),
    seed,
    computeLoss: o.computeLoss ?? false,
    jobWords: positiveInt('jobWords', o.jobWords ?? 10000),
    progressInterval: positiveInt('progressInterval', o.progressInterval ?? 500),
    corpusStorage: o.corpusStorage ?? 'file',
    corpusMemoryBudget: positiveInt('corpusMemoryBudget', o.corpusMemoryBudget ?? 2 ** 30, 0),
    tempDir: o.tempDir,
    minCount: positiveInt('minCount', o.minCount ?? 5),
    maxSentenceLength: positiveInt('maxSentenceLength', o.maxSentenceLength ?? 10000),
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
