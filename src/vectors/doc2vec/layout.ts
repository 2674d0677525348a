import { Arena } from '../../kernels/arena.js';
import type { Vocabulary } from '../../text/vocabulary.js';
import type { HuffmanTree } from '../word2vec/huffman.js';
import { planLayout, RESERVED_BYTES, type TrainingLayout } from '../word2vec/layout.js';
import { writeModel } from '../word2vec/write-model.js';
import { word2vecOptionsOf, type ResolvedDoc2VecOptions } from './options.js';

/** Field indexes of the kernel's `D2V` struct (src/kernels/c/doc2vec.c), as int32 slots. */
export const D = {
  model: 0,
  doctags: 1,
  nDoctags: 2,
  dm: 3,
  dbowWords: 4,
  learnWords: 5,
  learnHidden: 6,
  learnDoctags: 7,
} as const;
const D2V_BYTES = 8 * 4;

/** Kernel memory of a Doc2Vec model: word2vec's layout plus the document vectors and two D2V structs. */
export interface Doc2VecLayout {
  base: TrainingLayout;
  /** The encoded documents (training only; 0 bytes for inference). */
  stream: number;
  /** D2V struct for training (all vectors learn) and for inference (only `inferRow` learns). */
  train: number;
  infer: number;
  doctags: number;
  /** One row: the vector being inferred. */
  inferRow: number;
  /** First free byte: inference puts the document's word ids here. */
  end: number;
}

/**
 * Plans the memory: the encoded documents, then word2vec's model (word vectors, output weights,
 * tables, one struct and scratch space per worker), then the document vectors and the D2V structs.
 */
export function planDoc2VecLayout(
  o: ResolvedDoc2VecOptions,
  vocabSize: number,
  tagCount: number,
  streamBytes: number,
  huffman: HuffmanTree | undefined,
  workers: number,
): Doc2VecLayout {
  const stream = RESERVED_BYTES;
  const base = planLayout(stream + streamBytes, word2vecOptionsOf(o, workers), vocabSize, 1, huffman, workers, 64);
  const a = new Arena(base.end);
  const rowBytes = base.stride * 4;
  const train = a.alloc(D2V_BYTES);
  const infer = a.alloc(D2V_BYTES);
  const doctags = a.alloc(Math.max(1, tagCount) * rowBytes);
  const inferRow = a.alloc(rowBytes);
  return { base, stream, train, infer, doctags, inferRow, end: a.alloc(0) };
}

/** Fills word2vec's model and tables (see writeModel) and both D2V structs. */
export function writeDoc2VecModel(
  buf: ArrayBuffer | SharedArrayBuffer,
  l: Doc2VecLayout,
  o: ResolvedDoc2VecOptions,
  vocab: Vocabulary,
  tagCount: number,
  huffman: HuffmanTree | undefined,
): void {
  writeModel(buf, l.base, word2vecOptionsOf(o, l.base.workers.length), vocab, new Int32Array(1), huffman);
  const fill = (at: number, doctags: number, n: number, learn: boolean) => {
    const s = new Int32Array(buf, at, 8);
    s[D.model] = l.base.model;
    s[D.doctags] = doctags;
    s[D.nDoctags] = n;
    s[D.dm] = o.model === 'dm' ? 1 : 0;
    s[D.dbowWords] = learn && o.dbowWords ? 1 : 0;
    s[D.learnWords] = learn ? 1 : 0;
    s[D.learnHidden] = learn ? 1 : 0;
    s[D.learnDoctags] = 1;
  };
  fill(l.train, l.doctags, tagCount, true);
  fill(l.infer, l.inferRow, 1, false);
}
