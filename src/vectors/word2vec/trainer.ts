import { throwIfAborted, UsageError } from '../../errors.js';
import { ensureMemory, kernelModule, instantiateKernel } from '../../kernels/wasm.js';
import { seedState } from '../../math/random.js';
import { releaseEncodedCorpus, type EncodedCorpus } from '../../text/encoded-corpus.js';
import type { TrainingInput } from '../../text/sentence-source.js';
import type { TextTokenizer } from '../../text/text-tokenizer.js';
import type { ScanResult } from '../../text/vocab-scanner.js';
import type { Vocabulary } from '../../text/vocabulary.js';
import { KeyedVectors } from '../keyed-vectors.js';
import { scanTrainingCorpus, type VocabSummary } from '../training-corpus.js';

export type { VocabSummary } from '../training-corpus.js';
import { buildHuffman } from './huffman.js';
import { INIT_RNG_STREAM, INPUT_BYTES_MIN, planLayout, RESERVED_BYTES, W, type TrainingLayout } from './layout.js';
import { resolveOptions, type ResolvedWord2VecOptions, type Word2VecOptions } from './options.js';
import { runWorkers } from './run-workers.js';
import { writeModel } from './write-model.js';

/** Figures of a finished training run. */
export interface TrainResult {
  /** In-vocabulary tokens processed, all epochs. */
  words: number;
  /** Tokens left after frequent-word subsampling, all epochs. */
  effectiveWords: number;
  epochs: number;
  /** Wall seconds of training (excluding the vocabulary scan). */
  seconds: number;
  /** `words / seconds`. */
  wordsPerSecond: number;
  vocabSize: number;
  /** Mean loss per example, when `computeLoss` was on. */
  loss?: number;
}

interface KernelExports extends WebAssembly.Exports {
  w2v_init_vectors(model: number, worker: number, firstRow: number): void;
}

/**
 * word2vec (Mikolov et al. 2013): skip-gram or CBOW, negative sampling and/or hierarchical softmax,
 * frequent-word subsampling, dynamic window, linear learning-rate decay; trained by worker threads
 * on one shared WebAssembly memory with SIMD kernels.
 *
 * ```ts
 * const w2v = new Word2Vec({ model: 'skipgram', dim: 100, epochs: 5 });
 * await w2v.buildVocab(corpus);
 * await w2v.train();
 * w2v.wv.mostSimilar('king');
 * ```
 */
export class Word2Vec {
  readonly options: ResolvedWord2VecOptions;
  private memory: WebAssembly.Memory | undefined;
  private corpus: EncodedCorpus | undefined;
  private scan: ScanResult | undefined;
  private layout: TrainingLayout | undefined;
  private vectors: KeyedVectors | undefined;
  private trainedEpochs = 0;

  constructor(options: Word2VecOptions = {}) {
    this.options = resolveOptions(options);
  }

  /** The vocabulary (after buildVocab). */
  get vocabulary(): Vocabulary {
    if (!this.scan) throw new UsageError('no vocabulary yet: call buildVocab() first');
    return this.scan.vocabulary;
  }

  /** The trained word vectors (after train). */
  get wv(): KeyedVectors {
    if (!this.vectors) throw new UsageError('no vectors yet: call train() first');
    return this.vectors;
  }

  /**
   * Scans the corpus once: counts words, applies minCount/maxVocabSize/maxFinalVocab, and keeps the
   * corpus as a compact id stream for training (see `corpusStorage`). Files are scanned on a worker
   * thread (with the default Tokenizer or a given `Tokenizer`); other inputs on this thread.
   */
  async buildVocab(input: TrainingInput, tokenizer?: TextTokenizer): Promise<VocabSummary> {
    if (this.scan) throw new UsageError('buildVocab() was already called on this model');
    const { memory, scan, corpus, summary } = await scanTrainingCorpus(input, tokenizer, this.options, RESERVED_BYTES);
    this.corpus = corpus;
    this.memory = memory;
    this.scan = scan;
    return summary;
  }

  /** Trains `epochs` passes over the corpus given to buildVocab. */
  async train(): Promise<TrainResult> {
    const o = this.options;
    if (!this.scan || !this.corpus || !this.memory) throw new UsageError('call buildVocab() before train()');
    if (this.trainedEpochs > 0) throw new UsageError('this model is already trained; create a new Word2Vec to train again');
    throwIfAborted(o.signal);
    const vocab = this.scan.vocabulary;
    const jobs = this.corpus.jobs;
    const huffman = o.hs ? buildHuffman(vocab.counts) : undefined;
    const start = this.corpus.kind === 'memory' ? this.corpus.offset + this.corpus.length : RESERVED_BYTES;
    const inputBytes = this.corpus.kind === 'file' ? Math.max(INPUT_BYTES_MIN, jobs.maxJobBytes) : 64;
    const workers = Math.min(o.workers, jobs.count);
    const layout = planLayout(start, o, vocab.size, this.scan.remap.length, huffman, workers, inputBytes);
    const memory = this.memory;
    ensureMemory(memory, layout.end);
    this.layout = layout;
    writeModel(memory.buffer, layout, o, vocab, this.scan.remap, huffman);
    const module = kernelModule('word2vec');
    const kernel = instantiateKernel<KernelExports>(module, memory, RESERVED_BYTES);
    this.seedWorker(layout.workers[0].ptr, INIT_RNG_STREAM);
    kernel.w2v_init_vectors(layout.model, layout.workers[0].ptr, 0);
    layout.workers.forEach((w, i) => this.seedWorker(w.ptr, i + 1));

    const t0 = performance.now();
    const result = await runWorkers({
      module,
      memory,
      layout,
      jobs,
      corpus: this.corpus,
      options: o,
      wordsPerEpoch: vocab.totalCount, // every in-vocabulary token of the corpus is counted in the vocabulary
      meanLoss: () => this.meanLoss(),
    });
    const seconds = (performance.now() - t0) / 1000;
    this.trainedEpochs = o.epochs;
    this.vectors = this.extractVectors();
    const loss = o.computeLoss ? this.meanLoss() : undefined;
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

  private seedWorker(ptr: number, stream: number): void {
    const view = new DataView(this.memory!.buffer);
    view.setBigUint64(ptr + W.rng, seedState(this.options.seed, stream), true);
  }

  private meanLoss(): number {
    const dv = new DataView(this.memory!.buffer);
    let loss = 0;
    let terms = 0;
    for (const w of this.layout!.workers) {
      loss += dv.getFloat64(w.ptr + W.loss, true);
      terms += dv.getFloat64(w.ptr + W.lossTerms, true);
    }
    return terms > 0 ? loss / terms : NaN;
  }

  /** Copies the input vectors out of kernel memory (dropping row padding). */
  private extractVectors(): KeyedVectors {
    const l = this.layout!;
    const vocab = this.scan!.vocabulary;
    const dim = this.options.dim;
    const src = new Float32Array(this.memory!.buffer, l.syn0, vocab.size * l.stride);
    let out: Float32Array;
    if (l.stride === dim) out = src.slice();
    else {
      out = new Float32Array(vocab.size * dim);
      for (let r = 0; r < vocab.size; r++) out.set(src.subarray(r * l.stride, r * l.stride + dim), r * dim);
    }
    return new KeyedVectors({ words: vocab.words, vectors: out, dim, counts: vocab.counts });
  }

  /** Releases the kernel memory and any temp file; the trained `wv` stays usable. */
  dispose(): void {
    if (this.corpus) releaseEncodedCorpus(this.corpus);
    this.corpus = undefined;
    this.memory = undefined;
    this.layout = undefined;
  }
}

/** Builds the vocabulary and trains in one call; returns the vectors and the run's figures. */
export async function trainWord2Vec(
  input: TrainingInput,
  options: Word2VecOptions & { tokenizer?: TextTokenizer } = {},
): Promise<{ vectors: KeyedVectors; vocab: VocabSummary; training: TrainResult }> {
  const model = new Word2Vec(options);
  try {
    const vocab = await model.buildVocab(input, options.tokenizer);
    const training = await model.train();
    return { vectors: model.wv, vocab, training };
  } finally {
    model.dispose();
  }
}
