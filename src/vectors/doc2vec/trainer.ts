import { throwIfAborted, UsageError } from '../../errors.js';
import { ensureMemory, instantiateKernel, kernelModule, sharedMemory } from '../../kernels/wasm.js';
import { seedState } from '../../math/random.js';
import type { EncodedCorpus } from '../../text/encoded-corpus.js';
import { Tokenizer } from '../../text/tokenizer.js';
import type { TokenizerOptions } from '../../text/tokenizer-options.js';
import { buildHuffman } from '../word2vec/huffman.js';
import { INIT_RNG_STREAM, W } from '../word2vec/layout.js';
import { runWorkers } from '../word2vec/run-workers.js';
import { encodeDocuments, type DocumentCorpus } from './doc-corpus.js';
import { toTaggedDocument, type DocumentInput, type TaggedDocument } from './documents.js';
import type { Doc2VecKernel } from './inference.js';
import { planDoc2VecLayout, writeDoc2VecModel, type Doc2VecLayout } from './layout.js';
import { Doc2VecModel, storableTokenizerOptions } from './model.js';
import { resolveDoc2VecOptions, storedOptions, type Doc2VecOptions, type ResolvedDoc2VecOptions } from './options.js';

/** Figures of the documents given to {@link Doc2Vec.buildVocab}. */
export interface DocumentSummary {
  documents: number;
  tags: number;
  vocabSize: number;
  /** Tokens of all documents, and those in the vocabulary (trained each epoch before subsampling). */
  rawTokens: number;
  trainedTokens: number;
  /** Documents with no word in the vocabulary: their vectors stay at their random start. */
  untrainedDocuments: number;
}

/** Figures of a finished Doc2Vec training run. */
export interface Doc2VecTrainResult {
  /** In-vocabulary words processed, all epochs. */
  words: number;
  /** Words left after subsampling, all epochs. */
  effectiveWords: number;
  epochs: number;
  seconds: number;
  wordsPerSecond: number;
}

/**
 * Doc2Vec (Le & Mikolov 2014, "Distributed Representations of Sentences and Documents"): PV-DBOW
 * (optionally with skip-gram word training, gensim's dbow_words) or PV-DM (mean or sum of the window's
 * word vectors and the document vectors), negative sampling and/or hierarchical softmax, trained by
 * the word2vec engine's worker threads (Hogwild on one shared memory) with the doc2vec WASM kernel.
 * With one worker and a seed, training is bit-for-bit repeatable.
 *
 * ```ts
 * const d2v = new Doc2Vec({ model: 'dbow', dim: 100, epochs: 20 });
 * await d2v.buildVocab([{ tags: ['a'], text: 'first document' }, …]);
 * const model = await d2v.train();
 * model.dv.mostSimilar('a');
 * ```
 */
export class Doc2Vec {
  readonly options: ResolvedDoc2VecOptions;
  private corpus: DocumentCorpus | undefined;
  private tokenizerOptions: TokenizerOptions = {};
  private trained: Doc2VecModel | undefined;

  constructor(options: Doc2VecOptions = {}) {
    this.options = resolveDoc2VecOptions(options);
  }

  /** The trained model (after train). */
  get model(): Doc2VecModel {
    if (!this.trained) throw new UsageError('no model yet: call train() first');
    return this.trained;
  }

  /**
   * Takes the documents (tokenizing `text` ones with a Tokenizer of `tokenizer` options, which the
   * model keeps for inferVector), builds the vocabulary (minCount) and the tag list, and encodes the
   * documents for training. Each document needs one or more tags and at least one word.
   */
  async buildVocab(
    documents: Iterable<DocumentInput> | AsyncIterable<DocumentInput>,
    tokenizer: TokenizerOptions = {},
  ): Promise<DocumentSummary> {
    if (this.corpus) throw new UsageError('buildVocab() was already called on this model');
    const tok = new Tokenizer(tokenizer);
    const docs: TaggedDocument[] = [];
    for await (const d of documents) {
      throwIfAborted(this.options.signal);
      docs.push(toTaggedDocument(d, docs.length, tok));
    }
    this.tokenizerOptions = storableTokenizerOptions(tokenizer);
    const c = encodeDocuments(docs, this.options.minCount, this.options.jobWords);
    this.corpus = c;
    return {
      documents: c.documents,
      tags: c.tags.length,
      vocabSize: c.vocabulary.size,
      rawTokens: c.rawTokens,
      trainedTokens: c.trainedTokens,
      untrainedDocuments: c.untrainedDocuments,
    };
  }

  /** Trains `epochs` passes over the documents on worker threads; returns the run's figures. */
  async train(): Promise<Doc2VecTrainResult> {
    const o = this.options;
    const c = this.corpus;
    if (!c) throw new UsageError('call buildVocab() before train()');
    if (this.trained) throw new UsageError('this model is already trained; create a new Doc2Vec to train again');
    throwIfAborted(o.signal);
    const vocab = c.vocabulary;
    const huffman = o.hs ? buildHuffman(vocab.counts) : undefined;
    const jobs = c.jobLengths.length;
    const workers = Math.min(o.workers, jobs);
    const l = planDoc2VecLayout(o, vocab.size, c.tags.length, c.stream.byteLength, huffman, workers);
    const memory = sharedMemory(l.end);
    ensureMemory(memory, l.end);
    new Int32Array(memory.buffer, l.stream, c.stream.length).set(c.stream);
    writeDoc2VecModel(memory.buffer, l, o, vocab, c.tags.length, huffman);
    const module = kernelModule('doc2vec');
    const kernel = instantiateKernel<Doc2VecKernel>(module, memory, l.base.workers[0].stackTop);
    const seed = (ptr: number, stream: number) => new DataView(memory.buffer).setBigUint64(ptr + W.rng, seedState(o.seed, stream), true);
    // word rows, then document rows, uniform in [-1, 1) / dim (gensim 4's prep_vectors)
    seed(l.base.workers[0].ptr, INIT_RNG_STREAM);
    kernel.d2v_init_rows(l.train, l.base.workers[0].ptr, l.base.syn0, 0, vocab.size, 1 / o.dim);
    kernel.d2v_init_rows(l.train, l.base.workers[0].ptr, l.doctags, 0, c.tags.length, 1 / o.dim);
    l.base.workers.forEach((w, i) => seed(w.ptr, i + 1));

    const corpus: EncodedCorpus = {
      kind: 'memory',
      memory,
      offset: l.stream,
      length: c.stream.byteLength,
      jobs: {
        offsets: c.jobOffsets,
        lengths: c.jobLengths,
        tokens: c.jobWords,
        count: jobs,
        maxJobBytes: c.jobLengths.reduce((a, b) => Math.max(a, b), 0),
      },
    };
    const t0 = performance.now();
    const result = await runWorkers({
      module,
      entry: 'd2v_train_job',
      memory,
      layout: { model: l.train, workers: l.base.workers },
      jobs: corpus.jobs,
      corpus,
      options: { ...o, computeLoss: false },
      wordsPerEpoch: c.trainedTokens,
      meanLoss: () => NaN,
    });
    const seconds = (performance.now() - t0) / 1000;
    this.trained = new Doc2VecModel(this.extract(memory, l, c));
    return {
      words: result.words,
      effectiveWords: result.effective,
      epochs: o.epochs,
      seconds,
      wordsPerSecond: result.words / seconds,
    };
  }

  /** Copies the weights out of kernel memory (dropping row padding); the memory can then go. */
  private extract(memory: WebAssembly.Memory, l: Doc2VecLayout, c: DocumentCorpus): ConstructorParameters<typeof Doc2VecModel>[0] {
    const o = this.options;
    const { stride } = l.base;
    const rows = (at: number, n: number) => {
      const src = new Float32Array(memory.buffer, at, n * stride);
      const out = new Float32Array(n * o.dim);
      for (let r = 0; r < n; r++) out.set(src.subarray(r * stride, r * stride + o.dim), r * o.dim);
      return out;
    };
    const V = c.vocabulary.size;
    return {
      options: storedOptions(o),
      tokenizer: this.tokenizerOptions,
      words: c.vocabulary.words,
      counts: c.vocabulary.counts,
      tags: c.tags,
      wordVectors: rows(l.base.syn0, V),
      docVectors: rows(l.doctags, c.tags.length),
      syn1neg: o.negative > 0 ? rows(l.base.syn1neg, V) : undefined,
      syn1: o.hs ? rows(l.base.syn1, Math.max(1, V - 1)) : undefined,
    };
  }
}

/** Builds the vocabulary and trains in one call. */
export async function trainDoc2Vec(
  documents: Iterable<DocumentInput> | AsyncIterable<DocumentInput>,
  options: Doc2VecOptions & { tokenizer?: TokenizerOptions } = {},
): Promise<{ model: Doc2VecModel; documents: DocumentSummary; training: Doc2VecTrainResult }> {
  const { tokenizer, ...rest } = options;
  const d2v = new Doc2Vec(rest);
  const summary = await d2v.buildVocab(documents, tokenizer);
  const training = await d2v.train();
  return { model: d2v.model, documents: summary, training };
}
