import type { CooccurLayout } from './cooccur-layout.js';

/** What the trainer sends the counting worker (structured-cloned; memory and buffers shared). */
export interface CountTask {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  stackTop: number;
  layout: CooccurLayout;
  corpus: { kind: 'memory'; offset: number } | { kind: 'file'; path: string };
  jobOffsets: Float64Array;
  jobLengths: Int32Array;
  remap: number;
  remapSize: number;
  window: number;
  symmetric: boolean;
  distanceWeighting: boolean;
  /** Folder for the spilled chunk files. */
  tempDir: string;
  /** Control block: see COUNT_CTRL. */
  control: SharedArrayBuffer;
}

/** What the counting worker answers: the shuffled training records at layout.recs. */
export interface CountReply {
  type: 'done';
  records: number;
  denseRecords: number;
  chunks: number;
  tokens: number;
}

/** Float64 slots of the counting control block. */
export const COUNT_CTRL = { abort: 0, jobsDone: 1, slots: 2 } as const;

/** What the trainer sends each training worker. */
export interface TrainTask {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  stackTop: number;
  recs: number;
  first: number;
  count: number;
  w: number;
  vocabSize: number;
  dim: number;
  eta: number;
  xMax: number;
  alpha: number;
  epochs: number;
  /** This worker's slot in the control block's cost array. */
  slot: number;
  control: SharedArrayBuffer;
}

/** Float64 slots of the training control block: abort, records done, then one cost per worker. */
export const TRAIN_CTRL = { abort: 0, recordsDone: 1, cost: 2 } as const;
