import { availableParallelism } from 'node:os';
import { UsageError } from '../../errors.js';
import { DEFAULT_MAX_SENTENCE_LENGTH } from '../../text/corpus.js';
import type { VocabularyOptions } from '../../text/vocab-scanner.js';

/** Progress of a GloVe run, reported about every `progressInterval` ms. */
export interface GloVeProgress {
  /** 'vocab' while scanning, 'cooccur' while counting co-occurrences, 'train' while training. */
  phase: 'vocab' | 'cooccur' | 'train';
  /** 0..1 of the current phase. */
  fraction: number;
  epoch: number;
  epochs: number;
  /** Mean cost per co-occurrence of the last finished epoch (train phase; NaN before the first). */
  cost: number;
  seconds: number;
}

/**
 * Hyper-parameters of GloVe (Pennington et al. 2014). Defaults follow the reference implementation
 * (stanfordnlp/GloVe: vocab_count, cooccur, glove), except `window` 10 (theirs: 15) and
 * `epochs` 25 as theirs.
 */
export interface GloVeOptions extends VocabularyOptions {
  /** Vector dimension. Default 100. */
  dim?: number;
  /** Context words counted on each side (the reference's `-window-size`). Default 10. */
  window?: number;
  /** Count (w1, w2) and (w2, w1) for each pair (`-symmetric 1`). Default true. */
  symmetric?: boolean;
  /** Weight a pair at distance d by 1/d (`-distance-weighting 1`). Default true. */
  distanceWeighting?: boolean;
  /** Cutoff of the weighting function f(x) = min(1, (x/xMax)^alpha) (`-x-max`). Default 100. */
  xMax?: number;
  /** Exponent of the weighting function (`-alpha`). Default 0.75. */
  alpha?: number;
  /** AdaGrad initial learning rate (`-eta`). Default 0.05. */
  eta?: number;
  /** Passes over the shuffled co-occurrences (`-iter`). Default 25. */
  epochs?: number;
  /** Worker threads for training. Default: available cores. One worker + a seed = bit-for-bit repeatable. */
  workers?: number;
  /** Seed of the initial vectors and the shuffle. Default 1. */
  seed?: number;
  /**
   * Bytes for co-occurrence counting (`-memory`, in GiB there): 3/4 for the dense table of frequent
   * pairs, 1/4 for the buffer of other pairs, which is sorted, merged and, when still full, spilled to
   * a sorted temp file; the files are merged at the end. Raised to what one job needs. Default 1 GiB.
   */
  memoryBudget?: number;
  /** Folder for temp files (encoded corpus, co-occurrence chunks). Default os.tmpdir(). */
  tempDir?: string;
  /** Where the encoded corpus is kept while counting: 'file' (default) or 'memory'. */
  corpusStorage?: 'file' | 'memory';
  /** Tokens per job. Default 10000. */
  jobWords?: number;
  onProgress?: (p: GloVeProgress) => void;
  /** Milliseconds between progress reports. Default 500. */
  progressInterval?: number;
  signal?: AbortSignal;
}

export type ResolvedGloVeOptions = Required<Omit<GloVeOptions, 'onProgress' | 'signal' | 'maxVocabSize' | 'maxFinalVocab' | 'tempDir'>> &
  Pick<GloVeOptions, 'onProgress' | 'signal' | 'maxVocabSize' | 'maxFinalVocab' | 'tempDir'>;

export const GLOVE_DEFAULTS = Object.freeze({
  dim: 100,
  window: 10,
  symmetric: true,
  distanceWeighting: true,
  xMax: 100,
  alpha: 0.75,
  eta: 0.05,
  epochs: 25,
  seed: 1,
  memoryBudget: 2 ** 30,
  corpusStorage: 'file',
  jobWords: 10000,
  progressInterval: 500,
  minCount: 5,
  maxSentenceLength: DEFAULT_MAX_SENTENCE_LENGTH,
} as const satisfies Partial<ResolvedGloVeOptions>);

function positiveInt(name: string, v: number, min = 1): number {
  if (!Number.isInteger(v) || v < min) throw new UsageError(`${name} must be an integer >= ${min}, got ${v}`);
  return v;
}

function positive(name: string, v: number): number {
  if (!(typeof v === 'number' && v > 0 && Number.isFinite(v))) throw new UsageError(`${name} must be a number > 0, got ${v}`);
  return v;
}

/** Validates `o` and fills in defaults. */
export function resolveGloVeOptions(o: GloVeOptions = {}): ResolvedGloVeOptions {
  const d = GLOVE_DEFAULTS;
  const seed = o.seed ?? d.seed;
  if (!Number.isFinite(seed)) throw new UsageError(`seed must be a finite number, got ${seed}`);
  const corpusStorage = o.corpusStorage ?? d.corpusStorage;
  if (corpusStorage !== 'file' && corpusStorage !== 'memory')
    throw new UsageError(`corpusStorage must be 'file' or 'memory', got '${corpusStorage}'`);
  const r: ResolvedGloVeOptions = {
    dim: positiveInt('dim', o.dim ?? d.dim),
    window: positiveInt('window', o.window ?? d.window),
    symmetric: o.symmetric ?? d.symmetric,
    distanceWeighting: o.distanceWeighting ?? d.distanceWeighting,
    xMax: positive('xMax', o.xMax ?? d.xMax),
    alpha: positive('alpha', o.alpha ?? d.alpha),
    eta: positive('eta', o.eta ?? d.eta),
    epochs: positiveInt('epochs', o.epochs ?? d.epochs),
    workers: positiveInt('workers', o.workers ?? Math.max(1, availableParallelism())),
    seed,
    memoryBudget: positiveInt('memoryBudget', o.memoryBudget ?? d.memoryBudget),
    tempDir: o.tempDir,
    corpusStorage,
    jobWords: positiveInt('jobWords', o.jobWords ?? d.jobWords),
    progressInterval: positiveInt('progressInterval', o.progressInterval ?? d.progressInterval),
    minCount: positiveInt('minCount', o.minCount ?? d.minCount),
    maxSentenceLength: positiveInt('maxSentenceLength', o.maxSentenceLength ?? d.maxSentenceLength),
    maxVocabSize: o.maxVocabSize,
    maxFinalVocab: o.maxFinalVocab,
    onProgress: o.onProgress,
    signal: o.signal,
  };
  if (r.window > 1000) throw new UsageError(`window must be <= 1000, got ${r.window}`);
  if (r.memoryBudget > 3 * 2 ** 30)
    throw new UsageError(`memoryBudget must be <= 3 GiB (the WebAssembly memory is 4 GiB), got ${r.memoryBudget}`);
  if (o.maxVocabSize !== undefined) positiveInt('maxVocabSize', o.maxVocabSize);
  if (o.maxFinalVocab !== undefined) positiveInt('maxFinalVocab', o.maxFinalVocab);
  return r;
}
