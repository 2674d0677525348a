import { throwIfAborted, UsageError } from '../../errors.js';
import type { FastTextModelData } from '../../io/fasttext/model-data.js';
import { ensureMemory, instantiateKernel, kernelModule } from '../../kernels/wasm.js';
import { seedState } from '../../math/random.js';
import { releaseEncodedCorpus, type EncodedCorpus } from '../../text/encoded-corpus.js';
import type { TrainingInput } from '../../text/sentence-source.js';
import type { TextTokenizer } from '../../text/text-tokenizer.js';
import type { ScanResult } from '../../text/vocab-scanner.js';
import { scanTrainingCorpus, type VocabSummary } from '../training-corpus.js';
import { INIT_RNG_STREAM, INPUT_BYTES_MIN, RESERVED_BYTES } from '../word2vec/layout.js';
import { runWorkers } from '../word2vec/run-workers.js';
import type { TrainResult } from '../word2vec/trainer.js';
import { FastTextModel } from './fasttext-model.js';
import { FW, planFastTextLayout, type FastTextLayout } from './layout.js';
import { resolveFastTextOptions, type FastTextOptions, type ResolvedFastTextOptions } from './options.js';
import { subwordTable } from './subword-table.js';
import { withEndOfLine } from './end-of-line.js';
import { writeFastTextModel } from './write-model.js';

interface KernelExports extends WebAssembly.Exports {
  ft_init_vectors(model: number, worker: number): void;
}

/**
 * fastText's subword model (Bojanowski et al. 2017): skip-gram or CBOW where a word's input vector
 * is the mean of its own vector and its hashed character n-gram vectors, trained with negative
 * sampling by worker threads on one shared WebAssembly memory (kernels/c/fasttext.c). The result
 * is a {@link FastTextModel}: vectors for unseen words, `.bin` files the fastText CLI reads.
 *
 * ```ts
 * const ft = new FastText({ model: 'skipgram', minn: 3, maxn: 6 });
 * await ft.buildVocab(corpus);
 * await ft.train();
 * ft.model.wordVector('unseen');
 * ```
 */
export class FastText {
  readonly options: ResolvedFastTextOptions;
  private memory: WebAssembly.Memory | undefined;
  private corpus: EncodedCorpus | undefined;
  private scan: ScanResult | undefined;
  /** Row of `</s>` in the vocabulary when `eos` is on, else -1. */
  private eos = -1;
  private trained: FastTextModel | undefined;

  constructor(options: FastTextOptions = {}) {
    this.options = resolveFastTextOptions(options);
  }

  /** The trained model (after train). */
  get model(): FastTextModel {
    if (!this.trained) throw new UsageError('no model yet: call train() first');
    return this.trained;
  }

  /** Scans the corpus once (vocabulary, encoded id stream), as {@link Word2Vec.buildVocab}. */
  async buildVocab(input: TrainingInput, tokenizer?: TextTokenizer): Promise<VocabSummary> {
    if (this.scan) throw new UsageError('buildVocab() was already called on this model');
    const { memory, scan, corpus, summary } = await scanTrainingCorpus(input, tokenizer, this.options, RESERVED_BYTES);
    this.memory = memory;
    this.corpus = corpus;
    if (!this.options.eos) {
      this.scan = scan;
      return summary;
    }
    const withEos = withEndOfLine(scan);
    this.scan = withEos.scan;
    this.eos = withEos.eos;
    return { ...summary, vocabSize: withEos.scan.vocabulary.size };
  }

  /** Trains `epochs` passes over the corpus given to buildVocab. */
  async train(): Promise<TrainResult> {
    const o = this.options;
    if (!this.scan || !this.corpus || !this.memory) throw new UsageError('call buildVocab() before train()');
    if (this.trained) throw new UsageError('this model is already trained; create a new FastText to train again');
    throwIfAborted(o.signal);
    const vocab = this.scan.vocabulary;
    const subs = subwordTable(vocab.words, o);
    const jobs = this.corpus.jobs;
    const start = this.corpus.kind === 'memory' ? this.corpus.offset + this.corpus.length : RESERVED_BYTES;
    const inputBytes = this.corpus.kind === 'file' ? Math.max(INPUT_BYTES_MIN, jobs.maxJobBytes) : 64;
    const workers = Math.min(o.workers, jobs.count);
    const layout = planFastTextLayout(start, o, vocab.size, subs.rows.length, subs.maxPerWord, this.scan.remap.length, workers, inputBytes);
    const memory = this.memory;
    ensureMemory(memory, layout.end);
    writeFastTextModel(memory.buffer, layout, o, vocab, this.scan.remap, subs, this.eos, o.eos ? this.ntokens() : vocab.totalCount);
    const module = kernelModule('fasttext');
    const kernel = instantiateKernel<KernelExports>(module, memory, RESERVED_BYTES);
    this.seedWorker(layout.workers[0].ptr, INIT_RNG_STREAM);
    kernel.ft_init_vectors(layout.model, layout.workers[0].ptr);
    layout.workers.forEach((w, i) => this.seedWorker(w.ptr, i + 1));

    const t0 = performance.now();
    const meanLoss = () => this.meanLoss(layout);
    const result = await runWorkers({
      module,
      entry: 'ft_train_job',
      memory,
      layout,
      jobs,
      corpus: this.corpus,
      options: o,
      // 'all-tokens': fastText's budget, epoch × ntokens counted in in-vocabulary words (see options.ts).
      wordsPerEpoch: o.epochLength === 'all-tokens' ? this.ntokens() : vocab.totalCount,
      stopAtWords: o.epochLength === 'all-tokens',
      meanLoss,
    });
    const seconds = (performance.now() - t0) / 1000;
    this.trained = new FastTextModel(this.extract(layout));
    const loss = o.computeLoss ? meanLoss() : undefined;
    return {
      words: result.words,
      effectiveWords: result.effective,
      epochs: o.epochs,
      seconds,
      wordsPerSecond: result.words / seconds,
      vocabSize: vocab.size,
      ...(loss !== undefined ? { loss } : {}),
    };
  }

  /** fastText's ntokens: every token of the corpus (words below minCount too) and one `</s>` per sentence when `eos` is on. */
  private ntokens(): number {
    return this.scan!.rawTokens + (this.eos >= 0 ? this.scan!.sentences : 0);
  }

  private seedWorker(ptr: number, stream: number): void {
    new DataView(this.memory!.buffer).setBigUint64(ptr + FW.rng, seedState(this.options.seed, stream), true);
  }

  private meanLoss(l: FastTextLayout): number {
    const dv = new DataView(this.memory!.buffer);
    let loss = 0;
    let terms = 0;
    for (const w of l.workers) {
      loss += dv.getFloat64(w.ptr + FW.loss, true);
      terms += dv.getFloat64(w.ptr + FW.lossTerms, true);
    }
    return terms > 0 ? loss / terms : NaN;
  }

  /** Copies the matrices out of kernel memory (dropping row padding) into fastText's model data. */
  private extract(l: FastTextLayout): FastTextModelData {
    const o = this.options;
    const vocab = this.scan!.vocabulary;
    const dim = o.dim;
    const copy = (ptr: number, rows: number): Float32Array => {
      const src = new Float32Array(this.memory!.buffer, ptr, rows * l.stride);
      if (l.stride === dim) return src.slice();
      const out = new Float32Array(rows * dim);
      for (let r = 0; r < rows; r++) out.set(src.subarray(r * l.stride, r * l.stride + dim), r * dim);
      return out;
    };
    return {
      args: {
        dim,
        ws: o.window,
        epoch: o.epochs,
        minCount: this.scan!.effectiveMinCount,
        neg: o.negative,
        wordNgrams: 1,
        loss: 'ns',
        model: o.model,
        bucket: o.maxn > 0 ? o.bucket : 0,
        minn: o.minn,
        maxn: o.maxn,
        lrUpdateRate: 100,
        t: o.sample,
      },
      dictionary: {
        words: [...vocab.words],
        counts: Float64Array.from(vocab.counts),
        nwords: vocab.size,
        nlabels: 0,
        ntokens: this.ntokens(),
        pruneIndex: undefined,
      },
      input: { kind: 'dense', rows: l.rows, cols: dim, data: copy(l.syn0, l.rows) },
      output: { kind: 'dense', rows: vocab.size, cols: dim, data: copy(l.syn1, vocab.size) },
    };
  }

  /** Releases the kernel memory and any temp file; the trained `model` stays usable. */
  dispose(): void {
    if (this.corpus) releaseEncodedCorpus(this.corpus);
    this.corpus = undefined;
    this.memory = undefined;
  }
}

/** Builds the vocabulary and trains in one call. */
export async function trainFastText(
  input: TrainingInput,
  options: FastTextOptions & { tokenizer?: TextTokenizer } = {},
): Promise<{ model: FastTextModel; vocab: VocabSummary; training: TrainResult }> {
  const ft = new FastText(options);
  try {
    const vocab = await ft.buildVocab(input, options.tokenizer);
    const training = await ft.train();
    return { model: ft.model, vocab, training };
  } finally {
    ft.dispose();
  }
}
