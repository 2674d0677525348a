import { availableParallelism } from 'node:os';
import { UsageError } from '../../../errors.js';
import { KSUB, type DenseMatrix, type FastTextDictionary, type FastTextModelData } from '../../../io/fasttext/model-data.js';
import { FastTextModel } from '../fasttext-model.js';
import { EOS } from '../subwords.js';
import { trainKernel } from './kernel-train.js';
import { SUPERVISED_DEFAULTS } from './options.js';
import { quantizeMatrix } from './product-quantizer.js';
import { scanAsyncLines, scanFile, scanLines } from './scan-lines.js';
import type { SupervisedInput } from './train.js';

/** Options of {@link quantizeSupervised}, named as fastText's `quantize` flags. */
export interface QuantizeOptions {
  /** Dimensions per sub-quantizer of the input matrix (default 2: one byte per 2 dims). */
  dsub?: number;
  /** Quantize the row norms apart (default false). */
  qnorm?: boolean;
  /** Quantize the output matrix too (default false; needs at least 256 labels). */
  qout?: boolean;
  /** Keep only the `cutoff` input rows of largest norm, words and n-grams (default 0 = all). */
  cutoff?: number;
  /** After the cutoff, fine-tune the kept rows on `input` (default false). */
  retrain?: boolean;
  /** Training data for `retrain`: a file, or lines. */
  input?: SupervisedInput;
  /** Retraining epochs (default 5), learning rate (default 0.05), threads (default: the cores). */
  epoch?: number;
  lr?: number;
  thread?: number;
  /** Label prefix of the training data (default `__label__`). */
  label?: string;
  seed?: number;
  signal?: AbortSignal;
}

/**
 * fastText's FastText::selectEmbeddings: input rows by decreasing L2 norm, `</s>` first, the first
 * `cutoff` of them.
 */
function selectRows(input: DenseMatrix, d: FastTextDictionary, cutoff: number): number[] {
  const norms = new Float64Array(input.rows);
  for (let r = 0; r < input.rows; r++) {
    let s = 0;
    for (let j = 0, o = r * input.cols; j < input.cols; j++) s += input.data[o + j] * input.data[o + j];
    norms[r] = Math.sqrt(s);
  }
  const eos = d.words.indexOf(EOS);
  const idx = Array.from({ length: input.rows }, (_, i) => i);
  idx.sort((a, b) => (a === eos ? -1 : b === eos ? 1 : norms[b] - norms[a] || a - b));
  return idx.slice(0, cutoff);
}

/**
 * fastText's Dictionary::prune: the kept words in their old order, then the labels; kept n-gram
 * buckets get rows after the words in selection order (`pruneIndex`). Returns the new dictionary
 * and the old input rows in new row order.
 */
function pruneDictionary(d: FastTextDictionary, selected: readonly number[]): { dictionary: FastTextDictionary; rows: number[] } {
  const words = selected.filter((i) => i < d.nwords).sort((a, b) => a - b);
  const ngrams = selected.filter((i) => i >= d.nwords);
  const entries = [...words, ...Array.from({ length: d.nlabels }, (_, i) => d.nwords + i)];
  return {
    dictionary: {
      words: entries.map((i) => d.words[i]),
      counts: Float64Array.from(entries, (i) => d.counts[i]),
      nwords: words.length,
      nlabels: d.nlabels,
      ntokens: d.ntokens,
      pruneIndex: new Map(ngrams.map((g, j) => [g - d.nwords, j])),
    },
    rows: [...words, ...ngrams],
  };
}

function gatherRows(m: DenseMatrix, rows: readonly number[]): DenseMatrix {
  const data = new Float32Array(rows.length * m.cols);
  rows.forEach((r, i) => data.set(m.data.subarray(r * m.cols, (r + 1) * m.cols), i * m.cols));
  return { kind: 'dense', rows: rows.length, cols: m.cols, data };
}

/**
 * Compresses a supervised model as `fasttext quantize` does (Joulin et al. 2016, "FastText.zip"):
 * optionally keeps only the `cutoff` input rows of largest norm (pruning the dictionary and the
 * n-gram buckets) and retrains them on `input`, then product-quantizes the input matrix (and with
 * `qout` the output matrix; `qnorm` quantizes norms apart). The result saves as an `.ftz` that the
 * fastText CLI reads. Retraining runs on worker threads; the quantization on the calling thread,
 * yielding between sub-quantizers.
 */
export async function quantizeSupervised(model: FastTextModel, options: QuantizeOptions = {}): Promise<FastTextModel> {
  const data = model.data;
  if (data.args.model !== 'supervised')
    throw new UsageError(`only supervised models can be quantized (this is a ${data.args.model} model)`);
  if (data.input.kind !== 'dense' || data.output.kind !== 'dense') throw new UsageError('the model is already quantized');
  const dsub = options.dsub ?? 2;
  const cutoff = options.cutoff ?? 0;
  const seed = options.seed ?? SUPERVISED_DEFAULTS.seed;
  if (!Number.isInteger(cutoff) || cutoff < 0) throw new UsageError(`cutoff must be an integer >= 0, got ${cutoff}`);
  if (options.retrain && options.input === undefined) throw new UsageError('retrain needs the training data (input)');
  if (options.qout && data.output.rows < KSUB)
    throw new UsageError(`qout: the output matrix is too small for quantization: ${data.output.rows} rows, needs at least ${KSUB}`);
  let args = data.args;
  let dictionary = data.dictionary;
  let input: DenseMatrix = data.input;
  let output: DenseMatrix = data.output;
  if (cutoff > 0 && cutoff < input.rows) {
    const pruned = pruneDictionary(dictionary, selectRows(input, dictionary, cutoff));
    dictionary = pruned.dictionary;
    input = gatherRows(input, pruned.rows);
    if (options.retrain) {
      const epoch = options.epoch ?? 5;
      const src = options.input!;
      const scan =
        typeof src === 'string'
          ? await scanFile(src)
          : Symbol.asyncIterator in src
            ? await scanAsyncLines(src as AsyncIterable<string>)
            : scanLines(src as Iterable<string>);
      const r = await trainKernel(
        { args, dictionary, input, output },
        scan,
        {
          label: options.label ?? SUPERVISED_DEFAULTS.label,
          seed,
          epoch,
          lr: options.lr ?? 0.05,
          thread: options.thread ?? Math.max(1, availableParallelism()),
          keepWeights: true,
          signal: options.signal,
        },
        typeof src === 'string' ? src : 'training data',
      );
      input = r.input;
      output = r.output;
      args = { ...args, epoch };
    }
  }
  const quantized: FastTextModelData = {
    args,
    dictionary,
    input: await quantizeMatrix(input, dsub, options.qnorm ?? false, seed, options.signal),
    output: options.qout ? await quantizeMatrix(output, 2, options.qnorm ?? false, seed, options.signal) : output,
  };
  return new FastTextModel(quantized);
}
