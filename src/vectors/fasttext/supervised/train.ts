import { FileFormatError } from '../../../errors.js';
import type { FastTextDictionary, FastTextModelData } from '../../../io/fasttext/model-data.js';
import { FastTextModel } from '../fasttext-model.js';
import { buildDictionary } from './dictionary.js';
import { trainKernel, trainKernelSync, type KernelTrainResult, type SupervisedProgress } from './kernel-train.js';
import { resolveSupervisedOptions, type ResolvedSupervisedOptions, type SupervisedOptions } from './options.js';
import { scanAsyncLines, scanFile, scanLines, type LineScan } from './scan-lines.js';

export type { SupervisedProgress } from './kernel-train.js';

/** Figures of a supervised training run. */
export interface SupervisedTrainResult {
  examples: number;
  words: number;
  labels: number;
  /** Wall time of the whole call: reading, dictionary, training. */
  seconds: number;
  /** Seconds of the training loop alone. */
  trainSeconds: number;
  /** Mean training loss. */
  loss: number;
  /** Threads that trained. */
  threads: number;
}

/** Options of {@link trainSupervisedAsync}: the hyper-parameters plus progress and cancellation. */
export interface SupervisedRunOptions extends SupervisedOptions {
  onProgress?: (p: SupervisedProgress) => void;
  /** Milliseconds between progress reports (default 500). */
  progressInterval?: number;
  signal?: AbortSignal;
}

/** Labelled lines: a file path, or lines in memory or from an async source. */
export type SupervisedInput = string | Iterable<string> | AsyncIterable<string>;

/** The model's arguments and dictionary, matrices still empty (the kernel fills them). */
function modelSkeleton(dictionary: FastTextDictionary, o: ResolvedSupervisedOptions): FastTextModelData {
  const empty = (rows: number) => ({ kind: 'dense' as const, rows, cols: o.dim, data: new Float32Array(0) });
  return {
    args: {
      dim: o.dim,
      ws: 5,
      epoch: o.epoch,
      minCount: o.minCount,
      neg: o.neg,
      wordNgrams: o.wordNgrams,
      loss: o.loss,
      model: 'supervised',
      bucket: o.bucket,
      minn: o.minn,
      maxn: o.maxn,
      lrUpdateRate: 100,
      t: 1e-4,
    },
    dictionary,
    input: empty(dictionary.nwords + o.bucket),
    output: empty(dictionary.nlabels),
  };
}

function checkScan(scan: LineScan, source: string): void {
  if (scan.lines === 0) throw new FileFormatError(source, 'no examples (every line is empty)');
}

function finish(data: FastTextModelData, r: KernelTrainResult, t0: number): { model: FastTextModel; result: SupervisedTrainResult } {
  const d = data.dictionary;
  const model = new FastTextModel({ ...data, input: r.input, output: r.output });
  return {
    model,
    result: {
      examples: r.examples,
      words: d.nwords,
      labels: d.nlabels,
      seconds: (performance.now() - t0) / 1000,
      trainSeconds: r.seconds,
      loss: r.loss,
      threads: r.threads,
    },
  };
}

/**
 * Trains a fastText text classifier (Joulin et al. 2017, "Bag of Tricks for Efficient Text
 * Classification") on the calling thread: the mean of word (and word n-gram, character n-gram)
 * vectors feeds a linear classifier trained by SGD with a linearly decaying learning rate — softmax,
 * hierarchical softmax, one-vs-all or negative sampling over labels — in the WebAssembly kernel
 * (src/kernels/c/supervised.c). `lines` are fastText's format: labels (`__label__x`) and words
 * separated by whitespace, one example per line. One thread (`thread` is not used): with a seed,
 * bit-for-bit repeatable, and equal to {@link trainSupervisedAsync} with `thread: 1`.
 */
export function trainSupervised(
  lines: Iterable<string>,
  options: SupervisedOptions = {},
  source = 'training data',
): { model: FastTextModel; result: SupervisedTrainResult } {
  const t0 = performance.now();
  const o = resolveSupervisedOptions(options);
  const scan = scanLines(lines);
  checkScan(scan, source);
  const data = modelSkeleton(buildDictionary(scan, o, source), o);
  const r = trainKernelSync(data, scan, { ...o, thread: 1, keepWeights: false }, source);
  return finish(data, r, t0);
}

/**
 * {@link trainSupervised} on `thread` worker threads (default: the available cores) sharing the
 * weights without locks, as fastText's threads (Hogwild). A file is read chunk by chunk, never
 * whole into one string. The event loop stays free while the workers train.
 */
export async function trainSupervisedAsync(
  input: SupervisedInput,
  options: SupervisedRunOptions = {},
  source = typeof input === 'string' ? input : 'training data',
): Promise<{ model: FastTextModel; result: SupervisedTrainResult }> {
  const t0 = performance.now();
  const o = resolveSupervisedOptions(options);
  const scan =
    typeof input === 'string'
      ? await scanFile(input)
      : Symbol.asyncIterator in input
        ? await scanAsyncLines(input as AsyncIterable<string>)
        : scanLines(input as Iterable<string>);
  checkScan(scan, source);
  const data = modelSkeleton(buildDictionary(scan, o, source), o);
  const r = await trainKernel(
    data,
    scan,
    { ...o, keepWeights: false, onProgress: options.onProgress, progressInterval: options.progressInterval, signal: options.signal },
    source,
  );
  return finish(data, r, t0);
}
