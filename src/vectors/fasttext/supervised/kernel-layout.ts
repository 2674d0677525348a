import { Arena } from '../../../kernels/arena.js';

/** Int32 slots of the kernel's `Model` struct (src/kernels/c/supervised.c). */
export const SM = {
  stride: 0,
  dim: 1,
  rows: 2,
  nlabels: 3,
  loss: 4,
  neg: 5,
  input: 6,
  output: 7,
  sigmoid: 8,
  logTable: 9,
  exOffsets: 10,
  exRows: 11,
  labOffsets: 12,
  labels: 13,
  hsOffsets: 14,
  hsNodes: 15,
  hsCodes: 16,
  aliasProb: 17,
  aliasIdx: 18,
  slots: 19,
} as const;

/** Byte offsets of the kernel's `Worker` struct. */
export const SW = { rng: 0, loss: 8, examples: 16, hidden: 24, grad: 28, scores: 32, bytes: 64 } as const;

/** Int32 slots of the kernel's `Encode` struct (sup_encode). */
export const SE = {
  stream: 0,
  length: 1,
  tokLabel: 2,
  tokHash: 3,
  tokRowOffsets: 4,
  tokRows: 5,
  wordNgrams: 6,
  bucket: 7,
  nwords: 8,
  prune: 9,
  exOffsets: 10,
  exRows: 11,
  labOffsets: 12,
  labels: 13,
  hashes: 14,
  examples: 15,
  slots: 16,
} as const;

/** The kernel's loss codes. */
export const LOSS_CODES = { softmax: 0, hs: 1, ova: 2, ns: 3 } as const;

/** Examples per job: the unit of work a thread takes from the shared counter. */
export const JOB_EXAMPLES = 1024;
/** Rows initialised per call of sup_init_block (INIT_BLOCK_ROWS in the kernel). */
export const INIT_BLOCK_ROWS = 65536;
export const SIGMOID_TABLE_SIZE = 512;
export const MAX_SIGMOID = 8;
export const LOG_TABLE_SIZE = 512;
/** Bytes below the first allocation: the shadow stack of the instance on the calling thread. */
export const MAIN_STACK_BYTES = 1 << 17;
const STACK_BYTES = 1 << 16;

export interface SupervisedWorkerLayout {
  ptr: number;
  hidden: number;
  grad: number;
  scores: number;
  stackTop: number;
}

/** Where everything lives in the kernel memory of one training run. */
export interface SupervisedLayout {
  stride: number;
  model: number;
  input: number;
  output: number;
  sigmoid: number;
  logTable: number;
  exOffsets: number;
  exRows: number;
  labOffsets: number;
  labels: number;
  hsOffsets: number;
  hsNodes: number;
  hsCodes: number;
  aliasProb: number;
  aliasIdx: number;
  workers: SupervisedWorkerLayout[];
  /** Scratch of the example encoding (token tables and the scanned stream), used once. */
  encode: number;
  end: number;
}

/** Sizes the layout needs. */
export interface SupervisedSizes {
  dim: number;
  rows: number;
  nlabels: number;
  /** Upper bounds of the examples, their input rows and their labels. */
  examples: number;
  exRows: number;
  labels: number;
  hsNodes: number;
  workers: number;
}

/** Plans kernel memory: weights, tables, examples, per-worker scratch and stacks. */
export function planSupervisedLayout(s: SupervisedSizes): SupervisedLayout {
  const a = new Arena(MAIN_STACK_BYTES);
  const stride = Math.ceil(s.dim / 4) * 4;
  const rowBytes = stride * 4;
  const model = a.alloc(SM.slots * 4);
  const input = a.alloc(s.rows * rowBytes);
  const output = a.alloc(Math.max(1, s.nlabels) * rowBytes);
  const sigmoid = a.alloc((SIGMOID_TABLE_SIZE + 1) * 4);
  const logTable = a.alloc((LOG_TABLE_SIZE + 1) * 4);
  const exOffsets = a.alloc((s.examples + 1) * 4);
  const exRows = a.alloc(Math.max(1, s.exRows) * 4);
  const labOffsets = a.alloc((s.examples + 1) * 4);
  const labels = a.alloc(Math.max(1, s.labels) * 4);
  const hsOffsets = a.alloc((s.nlabels + 1) * 4);
  const hsNodes = a.alloc(Math.max(1, s.hsNodes) * 4);
  const hsCodes = a.alloc(Math.max(1, s.hsNodes));
  const aliasProb = a.alloc(Math.max(1, s.nlabels) * 4);
  const aliasIdx = a.alloc(Math.max(1, s.nlabels) * 4);
  const workers: SupervisedWorkerLayout[] = [];
  for (let i = 0; i < s.workers; i++) {
    const w = {
      ptr: a.alloc(SW.bytes),
      hidden: a.alloc(rowBytes),
      grad: a.alloc(rowBytes),
      scores: a.alloc(Math.max(1, s.nlabels) * 4),
      stackTop: 0,
    };
    w.stackTop = a.alloc(STACK_BYTES, 16) + STACK_BYTES;
    workers.push(w);
  }
  const encode = a.end;
  return {
    stride,
    model,
    input,
    output,
    sigmoid,
    logTable,
    exOffsets,
    exRows,
    labOffsets,
    labels,
    hsOffsets,
    hsNodes,
    hsCodes,
    aliasProb,
    aliasIdx,
    workers,
    encode,
    end: encode,
  };
}
