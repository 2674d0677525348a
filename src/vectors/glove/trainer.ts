import { tmpdir } from 'node:os';
import { AbortError, throwIfAborted, UsageError } from '../../errors.js';
import { ensureMemory, instantiateKernel, kernelModule, sharedMemory } from '../../kernels/wasm.js';
import { workerUrl } from '../../kernels/worker-url.js';
import { seedState } from '../../math/random.js';
import { releaseEncodedCorpus, type EncodedCorpus } from '../../text/encoded-corpus.js';
import type { TrainingInput } from '../../text/sentence-source.js';
import type { TextTokenizer } from '../../text/text-tokenizer.js';
import type { ScanResult } from '../../text/vocab-scanner.js';
import type { Vocabulary } from '../../text/vocabulary.js';
import { KeyedVectors } from '../keyed-vectors.js';
import { scanCorpus, type VocabSummary } from '../scan-corpus.js';
import { COUNT_REC_BYTES, planCooccur, STACK_BYTES, TRAIN_REC_BYTES } from './cooccur-layout.js';
import { resolveGloVeOptions, type GloVeOptions, type ResolvedGloVeOptions } from './options.js';
import { COUNT_CTRL, TRAIN_CTRL, type CountReply, type CountTask, type TrainTask } from './protocol.js';
import { runWorkerThreads } from './run-worker.js';

/** The first bytes of kernel memory belong to the module (static data, main-thread shadow stack). */
const RESERVED_BYTES = 1 << 17;
const INPUT_BYTES_MIN = 1 << 18;
/** RNG streams of the shuffle and of the initial parameters (see seedState). */
const SHUFFLE_STREAM = 1;
const INIT_STREAM = 2;

/** Figures of the co-occurrence count. */
export interface CooccurrenceSummary {
  /** Non-zero co-occurrence cells (word, context pairs). */
  cooccurrences: number;
  /** Of those, cells counted in the dense table of frequent pairs. */
  denseCooccurrences: number;
  /** Sorted chunk files spilled to disk while counting (0 when the budget sufficed). */
  spilledChunks: number;
  seconds: number;
}

/** Figures of a finished GloVe run. */
export interface GloVeTrainResult {
  /** Non-zero co-occurrence cells trained on (word, context pairs). */
  cooccurrences: number;
  /** Of those, cells counted in the dense table of frequent pairs. */
  denseCooccurrences: number;
  /** Sorted chunk files spilled to disk while counting (0 when the budget sufficed). */
  spilledChunks: number;
  epochs: number;
  /** Mean cost 0.5 · f(X) · (w·w̃ + b + b̃ − log X)² per cell in the last epoch. */
  cost: number;
  countSeconds: number;
  trainSeconds: number;
  vocabSize: number;
}

interface MainKernel extends WebAssembly.Exports {
  glove_init(w: number, rows: number, dim: number, rng: number): void;
  glove_sum_vectors(w: number, vocabSize: number, dim: number, out: number): void;
}

const align = (n: number): number => Math.ceil(n / 16) * 16;

/**
 * GloVe (Pennington et al. 2014): counts word–context co-occurrences weighted by 1/distance in a
 * bounded memory budget (spilling sorted chunks to disk, as the reference cooccur does), shuffles
 * them, and fits w_i·w̃_j + b_i + b̃_j ≈ log X_ij with the weighting f(X) = min(1, (X/x_max)^α) by
 * AdaGrad on worker threads (SIMD kernel src/kernels/c/glove.c). The saved vectors are word +
 * context vectors (the reference's `-model 2`).
 *
 * ```ts
 * const glove = new GloVe({ dim: 100, epochs: 25 });
 * await glove.buildVocab('corpus.txt');
 * await glove.train();
 * glove.wv.mostSimilar('king');
 * ```
 */
export class GloVe {
  readonly options: ResolvedGloVeOptions;
  private memory: WebAssembly.Memory | undefined;
  private corpus: EncodedCorpus | undefined;
  private scan: ScanResult | undefined;
  private vectors: KeyedVectors | undefined;
  private trained = false;
  private counted: { summary: CooccurrenceSummary; recs: number; rng: number; stacks: number; workers: number } | undefined;

  constructor(options: GloVeOptions = {}) {
    this.options = resolveGloVeOptions(options);
  }

  /** The vocabulary (after buildVocab). */
  get vocabulary(): Vocabulary {
    if (!this.scan) throw new UsageError('no vocabulary yet: call buildVocab() first');
    return this.scan.vocabulary;
  }

  /** The trained vectors (word + context), after train. */
  get wv(): KeyedVectors {
    if (!this.vectors) throw new UsageError('no vectors yet: call train() first');
    return this.vectors;
  }

  /** Scans the corpus once (vocabulary + encoded id stream), as Word2Vec.buildVocab. */
  async buildVocab(input: TrainingInput, tokenizer?: TextTokenizer): Promise<VocabSummary> {
    const o = this.options;
    if (this.scan) throw new UsageError('buildVocab() was already called on this model');
    const memory = sharedMemory(RESERVED_BYTES);
    const { scan, corpus, summary } = await scanCorpus(
      input,
      tokenizer,
      {
        ...o,
        corpusMemoryBudget: o.memoryBudget,
        onProgress: (_tokens, fraction, seconds) => this.report('vocab', fraction, 0, NaN, seconds),
      },
      memory,
      RESERVED_BYTES,
    );
    this.memory = memory;
    this.corpus = corpus;
    this.scan = scan;
    return summary;
  }

  private report(phase: 'vocab' | 'cooccur' | 'train', fraction: number, epoch: number, cost: number, seconds: number): void {
    const f = Number.isFinite(fraction) ? fraction : 0;
    this.options.onProgress?.({ phase, fraction: f, epoch, epochs: this.options.epochs, cost, seconds });
  }

  /**
   * Counts the co-occurrences (after buildVocab; train() calls it when not done yet): the records
   * stay in kernel memory, shuffled, for training; {@link cooccurrences} copies them out.
   */
  async countCooccurrences(): Promise<CooccurrenceSummary> {
    const o = this.options;
    if (this.counted) return this.counted.summary;
    if (!this.scan || !this.corpus || !this.memory) throw new UsageError('call buildVocab() before countCooccurrences()');
    throwIfAborted(o.signal);
    const memory = this.memory;
    const vocabSize = this.scan.vocabulary.size;
    const module = kernelModule('glove');

    // Memory: [module][encoded corpus, if in memory][worker stacks][remap][counting arrays][records][parameters]
    const workers = Math.max(1, o.workers);
    let p = align(this.corpus.kind === 'memory' ? this.corpus.offset + this.corpus.length : RESERVED_BYTES);
    const stacks = p;
    p += (workers + 1) * STACK_BYTES;
    const remap = p;
    p = align(p + this.scan.remap.length * 4);
    const jobs = this.corpus.jobs;
    const inputBytes = this.corpus.kind === 'file' ? Math.max(INPUT_BYTES_MIN, jobs.maxJobBytes) : 16;
    const cl = planCooccur(p, o.memoryBudget, vocabSize, o.window, jobs.maxJobBytes, inputBytes);
    ensureMemory(memory, cl.recs + cl.recCapacity * COUNT_REC_BYTES);
    new Int32Array(memory.buffer, remap, this.scan.remap.length).set(this.scan.remap);
    const lookup = new BigInt64Array(memory.buffer, cl.lookup, vocabSize + 1);
    for (let i = 0; i <= vocabSize; i++) lookup[i] = BigInt(cl.rowOffsets[i]);
    new BigInt64Array(memory.buffer, cl.state, 2).fill(0n);
    new Float64Array(memory.buffer, cl.dense, cl.denseCells).fill(0);
    new BigUint64Array(memory.buffer, cl.rng, 1)[0] = seedState(o.seed, SHUFFLE_STREAM);

    // 1. co-occurrences, on one worker thread
    const t0 = performance.now();
    const countControl = new SharedArrayBuffer(COUNT_CTRL.slots * 8);
    const countCtl = new Float64Array(countControl);
    const countTask: CountTask = {
      module,
      memory,
      stackTop: stacks + STACK_BYTES,
      layout: cl,
      corpus: this.corpus.kind === 'memory' ? { kind: 'memory', offset: this.corpus.offset } : { kind: 'file', path: this.corpus.path },
      jobOffsets: jobs.offsets,
      jobLengths: jobs.lengths,
      remap,
      remapSize: this.scan.remap.length,
      window: o.window,
      symmetric: o.symmetric,
      distanceWeighting: o.distanceWeighting,
      tempDir: o.tempDir ?? tmpdir(),
      control: countControl,
    };
    const [counted] = await this.withProgress(
      () => this.report('cooccur', countCtl[COUNT_CTRL.jobsDone] / Math.max(1, jobs.count), 0, NaN, (performance.now() - t0) / 1000),
      () => (countCtl[COUNT_CTRL.abort] = 1),
      runWorkerThreads<CountReply>(
        workerUrl(import.meta.url, './count-worker.js'),
        [countTask],
        () => (countCtl[COUNT_CTRL.abort] = 1),
        'co-occurrence',
      ),
    );
    const seconds = (performance.now() - t0) / 1000;
    releaseEncodedCorpus(this.corpus);
    this.corpus = undefined;
    const summary = { cooccurrences: counted.records, denseCooccurrences: counted.denseRecords, spilledChunks: counted.chunks, seconds };
    this.counted = { summary, recs: cl.recs, rng: cl.rng, stacks, workers };
    return summary;
  }

  /** The counted co-occurrences (after countCooccurrences, before train), in training (shuffled) order. */
  cooccurrences(): { rows: Int32Array; cols: Int32Array; counts: Float32Array } {
    if (!this.counted || !this.memory) throw new UsageError('no co-occurrences: call countCooccurrences() before train()');
    const n = this.counted.summary.cooccurrences;
    const view = new DataView(this.memory.buffer, this.counted.recs, n * TRAIN_REC_BYTES);
    const rows = new Int32Array(n);
    const cols = new Int32Array(n);
    const counts = new Float32Array(n);
    for (let k = 0; k < n; k++) {
      rows[k] = view.getInt32(k * TRAIN_REC_BYTES, true);
      cols[k] = view.getInt32(k * TRAIN_REC_BYTES + 4, true);
      counts[k] = view.getFloat32(k * TRAIN_REC_BYTES + 8, true);
    }
    return { rows, cols, counts };
  }

  /** Trains `epochs` AdaGrad passes over the co-occurrences (counting them first if needed). */
  async train(): Promise<GloVeTrainResult> {
    const o = this.options;
    if (!this.scan) throw new UsageError('call buildVocab() before train()');
    if (this.trained) throw new UsageError('this model is already trained; create a new GloVe to train again');
    const counting = await this.countCooccurrences();
    const memory = this.memory!;
    const { recs, rng, stacks, workers } = this.counted!;
    const vocabSize = this.scan.vocabulary.size;
    const module = kernelModule('glove');
    this.trained = true;

    // 2. parameters: 2V rows (words, then contexts), each weights + bias then their AdaGrad sums
    const records = counting.cooccurrences;
    const dim = o.dim;
    const stride = 2 * (Math.ceil(dim / 4) + 1) * 4; // see the layout note in glove.c
    const w = align(recs + records * TRAIN_REC_BYTES);
    const out = align(w + 2 * vocabSize * stride * 4);
    ensureMemory(memory, out + vocabSize * dim * 4);
    const main = instantiateKernel<MainKernel>(module, memory, RESERVED_BYTES);
    new BigUint64Array(memory.buffer, rng, 1)[0] = seedState(o.seed, INIT_STREAM);
    main.glove_init(w, 2 * vocabSize, dim, rng);

    // 3. AdaGrad epochs, each worker on its slice of the shuffled records
    const t1 = performance.now();
    const trainControl = new SharedArrayBuffer((TRAIN_CTRL.cost + workers) * 8);
    const trainCtl = new Float64Array(trainControl);
    const done = new BigInt64Array(trainControl, 8 * TRAIN_CTRL.recordsDone, 1);
    trainCtl.fill(NaN, TRAIN_CTRL.cost);
    const tasks: TrainTask[] = [];
    for (let i = 0; i < workers; i++) {
      const first = Math.floor((records * i) / workers);
      const last = Math.floor((records * (i + 1)) / workers);
      tasks.push({
        module,
        memory,
        stackTop: stacks + (i + 2) * STACK_BYTES,
        recs,
        first,
        count: last - first,
        w,
        vocabSize,
        dim,
        eta: o.eta,
        xMax: o.xMax,
        alpha: o.alpha,
        epochs: o.epochs,
        slot: i,
        control: trainControl,
      });
    }
    const meanCost = () => {
      let c = 0;
      for (let i = 0; i < workers; i++) c += trainCtl[TRAIN_CTRL.cost + i];
      return c / Math.max(1, records);
    };
    const total = records * o.epochs;
    await this.withProgress(
      () => {
        const f = Number(done[0]) / Math.max(1, total);
        this.report('train', f, Math.min(o.epochs, Math.floor(f * o.epochs) + 1), meanCost(), (performance.now() - t1) / 1000);
      },
      () => (trainCtl[TRAIN_CTRL.abort] = 1),
      runWorkerThreads(workerUrl(import.meta.url, './train-worker.js'), tasks, () => (trainCtl[TRAIN_CTRL.abort] = 1), 'GloVe training'),
    );
    const trainSeconds = (performance.now() - t1) / 1000;
    main.glove_sum_vectors(w, vocabSize, dim, out);
    const vocab = this.scan.vocabulary;
    this.vectors = new KeyedVectors({
      words: vocab.words,
      vectors: new Float32Array(memory.buffer, out, vocabSize * dim).slice(),
      dim,
      counts: vocab.counts,
    });
    this.memory = undefined;
    return {
      cooccurrences: records,
      denseCooccurrences: counting.denseCooccurrences,
      spilledChunks: counting.spilledChunks,
      epochs: o.epochs,
      cost: meanCost(),
      countSeconds: counting.seconds,
      trainSeconds,
      vocabSize,
    };
  }

  /** Awaits `work`, calling `tick` every progressInterval ms and `stop` when the signal aborts. */
  private async withProgress<T>(tick: () => void, stop: () => void, work: Promise<T>): Promise<T> {
    const o = this.options;
    const timer = o.onProgress ? setInterval(tick, o.progressInterval) : undefined;
    o.signal?.addEventListener('abort', stop, { once: true });
    try {
      let r: T;
      try {
        r = await work;
      } catch (e) {
        throw o.signal?.aborted ? new AbortError('GloVe training aborted') : e;
      }
      if (o.signal?.aborted) throw new AbortError('GloVe training aborted');
      tick();
      return r;
    } finally {
      if (timer) clearInterval(timer);
      o.signal?.removeEventListener('abort', stop);
    }
  }

  /** Releases the kernel memory and any temp file; the trained `wv` stays usable. */
  dispose(): void {
    if (this.corpus) releaseEncodedCorpus(this.corpus);
    this.corpus = undefined;
    this.memory = undefined;
  }
}

/** Builds the vocabulary and trains in one call; returns the vectors and the run's figures. */
export async function trainGloVe(
  input: TrainingInput,
  options: GloVeOptions & { tokenizer?: TextTokenizer } = {},
): Promise<{ vectors: KeyedVectors; vocab: VocabSummary; training: GloVeTrainResult }> {
  const model = new GloVe(options);
  try {
    const vocab = await model.buildVocab(input, options.tokenizer);
    const training = await model.train();
    return { vectors: model.wv, vocab, training };
  } finally {
    model.dispose();
  }
}
