import { ensureMemory, instantiateKernel, kernelModule, sharedMemory } from '../../kernels/wasm.js';
import { seedState } from '../../math/random.js';
import { Vocabulary } from '../../text/vocabulary.js';
import { buildHuffman } from '../word2vec/huffman.js';
import { W } from '../word2vec/layout.js';
import { planDoc2VecLayout, writeDoc2VecModel, type Doc2VecLayout } from './layout.js';
import type { Doc2VecData } from './model-file.js';
import type { ResolvedDoc2VecOptions } from './options.js';

/** The doc2vec kernel's exports. */
export interface Doc2VecKernel extends WebAssembly.Exports {
  d2v_train_job(d2v: number, worker: number, data: number, nbytes: number, alpha: number): number;
  d2v_init_rows(d2v: number, worker: number, rows: number, first: number, last: number, scale: number): void;
}

/**
 * RNG stream of inference (training uses INIT_RNG_STREAM and 1..workers). Small: seedState's cost
 * grows with the stream number, and inference seeds once per document.
 */
const INFER_STREAM = 0;

/** Settings of one inference. */
export interface InferSettings {
  epochs: number;
  alpha: number;
  minAlpha: number;
  seed: number;
}

/**
 * Infers vectors of new documents with a frozen model (Le & Mikolov 2014, §2.2: "the inference
 * stage … gradient descent on D while the rest of the parameters are fixed"): its own kernel memory
 * holding the word vectors, output weights and tables, and one document row trained by the same
 * kernel as training with learn_words = learn_hidden = 0, on the calling thread.
 */
export class Doc2VecInference {
  private readonly memory: WebAssembly.Memory;
  private readonly layout: Doc2VecLayout;
  private readonly kernel: Doc2VecKernel;
  private readonly dim: number;
  private seeded: { seed: number; state: bigint } | undefined;

  constructor(m: Doc2VecData, o: ResolvedDoc2VecOptions) {
    const vocab = new Vocabulary(m.words, m.counts);
    const huffman = o.hs ? buildHuffman(vocab.counts) : undefined;
    const l = planDoc2VecLayout(o, vocab.size, 0, 0, huffman, 1);
    this.memory = sharedMemory(l.end);
    ensureMemory(this.memory, l.end);
    writeDoc2VecModel(this.memory.buffer, l, o, vocab, 0, huffman);
    const b = l.base;
    const stride = b.stride;
    const d = o.dim;
    const copyRows = (to: number, from: Float32Array, rows: number) => {
      const dst = new Float32Array(this.memory.buffer, to, rows * stride);
      for (let r = 0; r < rows; r++) dst.set(from.subarray(r * d, r * d + d), r * stride);
    };
    copyRows(b.syn0, m.wordVectors, vocab.size);
    if (m.syn1neg) copyRows(b.syn1neg, m.syn1neg, vocab.size);
    if (m.syn1) copyRows(b.syn1, m.syn1, Math.max(1, vocab.size - 1));
    this.layout = l;
    this.dim = d;
    this.kernel = instantiateKernel<Doc2VecKernel>(kernelModule('doc2vec'), this.memory, b.workers[0].stackTop);
  }

  /** The vector of one document given as vocabulary rows (words outside the vocabulary already dropped). */
  infer(ids: Int32Array, s: InferSettings): Float32Array {
    const l = this.layout;
    const worker = l.base.workers[0].ptr;
    const job = l.end;
    const bytes = 4 * (3 + ids.length);
    ensureMemory(this.memory, job + bytes);
    const buf = this.memory.buffer;
    if (this.seeded?.seed !== s.seed) this.seeded = { seed: s.seed, state: seedState(s.seed, INFER_STREAM) };
    new DataView(buf).setBigUint64(worker + W.rng, this.seeded.state, true);
    // gensim's infer_vector starts from a weak random vector, uniform in [-0.5, 0.5) / dim
    this.kernel.d2v_init_rows(l.infer, worker, l.inferRow, 0, 1, 0.5 / this.dim);
    const data = new Int32Array(buf, job, 3 + ids.length);
    data[0] = 1;
    data[1] = ids.length;
    data[2] = 0;
    data.set(ids, 3);
    // one rate per epoch, linear from alpha to minAlpha over the epochs (gensim's infer_vector)
    const step = (s.alpha - s.minAlpha) / Math.max(1, s.epochs - 1);
    let alpha = s.alpha;
    for (let e = 0; e < s.epochs; e++) {
      const rc = this.kernel.d2v_train_job(l.infer, worker, job, bytes, alpha);
      if (rc !== 0) throw new Error(`doc2vec kernel rejected the document (code ${rc})`);
      alpha -= step;
    }
    return new Float32Array(this.memory.buffer, l.inferRow, this.dim).slice();
  }
}
