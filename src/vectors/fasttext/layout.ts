import { Arena } from '../../kernels/arena.js';
import type { ResolvedFastTextOptions } from './options.js';

/** Int32 slots of the kernel's `Model` struct (src/kernels/c/fasttext.c). */
export const FM = {
  stride: 0,
  window: 1,
  negative: 2,
  sg: 3,
  nwords: 4,
  maxSentence: 5,
  syn0: 6,
  syn1: 7,
  sigmoid: 8,
  keep: 9,
  sample: 10,
  aliasProb: 11,
  aliasIdx: 12,
  subOffset: 13,
  subs: 14,
  remap: 15,
  remapSize: 16,
  dim: 17,
  rows: 18,
  computeLoss: 19,
  logTable: 20,
  eos: 21,
  slots: 22,
} as const;

/** Byte offsets of the kernel's `Worker` struct (rng, loss, effective and words where word2vec's are). */
export const FW = {
  rng: 0,
  loss: 8,
  lossTerms: 16,
  sent: 24,
  hidden: 28,
  grad: 32,
  bow: 36,
  bowCap: 40,
  step: 44,
  effective: 52,
  words: 56,
} as const;
const WORKER_BYTES = 64;
const STACK_BYTES = 1 << 16;

export const SIGMOID_TABLE_SIZE = 512;
export const MAX_SIGMOID = 8;
export const LOG_TABLE_SIZE = 512;

export interface FastTextWorkerLayout {
  ptr: number;
  sent: number;
  hidden: number;
  grad: number;
  step: number;
  bow: number;
  bowCap: number;
  input: number;
  inputBytes: number;
  stackTop: number;
}

export interface FastTextLayout {
  stride: number;
  rows: number;
  model: number;
  syn0: number;
  syn1: number;
  sigmoid: number;
  logTable: number;
  keep: number;
  aliasProb: number;
  aliasIdx: number;
  subOffset: number;
  subs: number;
  remap: number;
  workers: FastTextWorkerLayout[];
  end: number;
}

/** Plans kernel memory from byte `start`: weights, tables, subword lists, per-worker scratch. */
export function planFastTextLayout(
  start: number,
  o: ResolvedFastTextOptions,
  nwords: number,
  subsLength: number,
  maxSubs: number,
  remapSize: number,
  workers: number,
  inputBytes: number,
): FastTextLayout {
  const a = new Arena(start);
  const stride = Math.ceil(o.dim / 4) * 4;
  const rowBytes = stride * 4;
  const rows = nwords + (o.maxn > 0 ? o.bucket : 0);
  const model = a.alloc(FM.slots * 4);
  const syn0 = a.alloc(rows * rowBytes);
  const syn1 = a.alloc(nwords * rowBytes);
  const sigmoid = a.alloc((SIGMOID_TABLE_SIZE + 1) * 4);
  const logTable = a.alloc((LOG_TABLE_SIZE + 1) * 4);
  const keep = a.alloc(nwords * 4);
  const aliasProb = a.alloc(nwords * 4);
  const aliasIdx = a.alloc(nwords * 4);
  const subOffset = a.alloc((nwords + 1) * 4);
  const subs = a.alloc(Math.max(1, subsLength) * 4);
  const remap = a.alloc(Math.max(1, remapSize) * 4);
  const bowCap = 2 * o.window * maxSubs;
  const ws: FastTextWorkerLayout[] = [];
  for (let i = 0; i < workers; i++) {
    const w = {
      ptr: a.alloc(WORKER_BYTES),
      sent: a.alloc(o.maxSentenceLength * 4),
      hidden: a.alloc(rowBytes),
      grad: a.alloc(rowBytes),
      step: a.alloc(rowBytes),
      bow: a.alloc(Math.max(1, bowCap) * 4),
      bowCap,
      input: a.alloc(inputBytes),
      inputBytes,
      stackTop: 0,
    };
    w.stackTop = a.alloc(STACK_BYTES, 16) + STACK_BYTES;
    ws.push(w);
  }
  return { stride, rows, model, syn0, syn1, sigmoid, logTable, keep, aliasProb, aliasIdx, subOffset, subs, remap, workers: ws, end: a.end };
}
