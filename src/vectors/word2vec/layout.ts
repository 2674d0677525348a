import { Arena } from '../../kernels/arena.js';
import type { HuffmanTree } from './huffman.js';
import type { ResolvedWord2VecOptions } from './options.js';

/** Field indexes of the kernel's `Model` struct (src/kernels/c/word2vec.c), as int32 slots. */
export const M = {
  stride: 0,
  window: 1,
  negative: 2,
  hs: 3,
  sg: 4,
  cbowMean: 5,
  sharedNeg: 6,
  vocabSize: 7,
  maxSentence: 8,
  computeLoss: 9,
  syn0: 10,
  syn1neg: 11,
  syn1: 12,
  expTable: 13,
  logTable: 14,
  keep: 15,
  sample: 16,
  aliasProb: 17,
  aliasIdx: 18,
  codeOffset: 19,
  codeLen: 20,
  codes: 21,
  points: 22,
  remap: 23,
  remapSize: 24,
  dim: 25,
} as const;
const MODEL_BYTES = 26 * 4;

/** Byte offsets in the kernel's `Worker` struct. */
export const W = {
  rng: 0, // u64
  loss: 8, // f64
  lossTerms: 16, // f64
  sent: 24,
  neu1: 28,
  neu1e: 32,
  grad: 36,
  gmat: 40,
  ctx: 44,
  outs: 48,
  effective: 52,
  words: 56,
  negs: 60,
  sink: 64,
} as const;
const WORKER_BYTES = 72;

/** The first bytes of kernel memory belong to the module (static data, default shadow stack). */
export const RESERVED_BYTES = 1 << 17;
const STACK_BYTES = 1 << 16;
/** Per-worker input buffer for jobs read from a spilled corpus file. */
export const INPUT_BYTES_MIN = 1 << 18;

export interface WorkerLayout {
  ptr: number;
  sent: number;
  neu1: number;
  neu1e: number;
  grad: number;
  gmat: number;
  ctx: number;
  outs: number;
  negs: number;
  input: number;
  inputBytes: number;
  stackTop: number;
}

/** Where every array of one training run lives in kernel memory. */
export interface TrainingLayout {
  stride: number;
  model: number;
  syn0: number;
  syn1neg: number;
  syn1: number;
  expTable: number;
  logTable: number;
  keep: number;
  aliasProb: number;
  aliasIdx: number;
  codeOffset: number;
  codeLen: number;
  codes: number;
  points: number;
  remap: number;
  workers: WorkerLayout[];
  end: number;
}

/** RNG stream of the initial vectors; worker i trains with stream i + 1 (see seedState). */
export const INIT_RNG_STREAM = 0x5eed;

export const EXP_TABLE_SIZE = 1000;
export const MAX_EXP = 6;

/** Plans the memory of a run starting at byte `start`. Arrays that are not needed get offset 0. */
export function planLayout(
  start: number,
  o: ResolvedWord2VecOptions,
  vocabSize: number,
  remapSize: number,
  huffman: HuffmanTree | undefined,
  workers: number,
  inputBytes: number,
): TrainingLayout {
  const a = new Arena(start);
  const stride = Math.ceil(o.dim / 4) * 4;
  const rowBytes = stride * 4;
  const model = a.alloc(MODEL_BYTES);
  const syn0 = a.alloc(vocabSize * rowBytes);
  const syn1neg = o.negative > 0 ? a.alloc(vocabSize * rowBytes) : 0;
  const syn1 = o.hs ? a.alloc(Math.max(1, vocabSize - 1) * rowBytes) : 0;
  const expTable = a.alloc(EXP_TABLE_SIZE * 4);
  const logTable = a.alloc(EXP_TABLE_SIZE * 4);
  const keep = a.alloc(vocabSize * 4);
  const aliasProb = o.negative > 0 ? a.alloc(vocabSize * 4) : 0;
  const aliasIdx = o.negative > 0 ? a.alloc(vocabSize * 4) : 0;
  const codeOffset = huffman ? a.alloc(vocabSize * 4) : 0;
  const codeLen = huffman ? a.alloc(vocabSize) : 0;
  const codes = huffman ? a.alloc(Math.max(1, huffman.codes.length)) : 0;
  const points = huffman ? a.alloc(Math.max(1, huffman.points.length) * 4) : 0;
  const remap = a.alloc(Math.max(1, remapSize) * 4);
  const span = 2 * o.window;
  const ws: WorkerLayout[] = [];
  for (let i = 0; i < workers; i++) {
    const w = {
      ptr: a.alloc(WORKER_BYTES),
      sent: a.alloc(o.maxSentenceLength * 4),
      neu1: a.alloc(rowBytes),
      neu1e: a.alloc(rowBytes),
      grad: a.alloc(span * rowBytes),
      gmat: a.alloc(span * (o.negative + 1) * 4),
      ctx: a.alloc(span * 4),
      outs: a.alloc((o.negative + 1) * 4),
      negs: a.alloc(Math.max(1, o.negative) * 4),
      input: a.alloc(inputBytes),
      inputBytes,
      stackTop: 0,
    };
    w.stackTop = a.alloc(STACK_BYTES, 16) + STACK_BYTES;
    ws.push(w);
  }
  return {
    stride,
    model,
    syn0,
    syn1neg,
    syn1,
    expTable,
    logTable,
    keep,
    aliasProb,
    aliasIdx,
    codeOffset,
    codeLen,
    codes,
    points,
    remap,
    workers: ws,
    end: a.end,
  };
}
