import type { AlphaDecay } from './alpha-schedule.js';

/** What the trainer sends each worker thread (structured-cloned; memory and buffers are shared). */
export interface WorkerTask {
  module: WebAssembly.Module;
  /** The kernel export that trains one job: `(model, worker, data, nbytes, alpha) → 0 | error`. */
  entry: string;
  memory: WebAssembly.Memory;
  /** Offsets of the Model struct, this worker's Worker struct, its input buffer, its stack top. */
  model: number;
  worker: number;
  input: number;
  stackTop: number;
  corpus: { kind: 'memory'; offset: number } | { kind: 'file'; path: string };
  /** Job table (see JobTable in encoded-corpus.ts), shared. */
  jobOffsets: SharedArrayBuffer;
  jobLengths: SharedArrayBuffer;
  /** Parts the job list is interleaved from (the number of workers; see interleave). */
  parts: number;
  /** In-vocabulary tokens per epoch (for the 'global' learning-rate decay). */
  wordsPerEpoch: number;
  /** Stop when the words trained reach wordsPerEpoch × epochs (jobs continue past the last epoch) instead of after epochs × jobs. */
  stopAtWords: boolean;
  /** For the 'per-part' decay: tokens before each job in its part (Float64, shared), tokens per epoch. */
  alphaDecay: AlphaDecay;
  jobTokensBefore: SharedArrayBuffer;
  tokensPerEpoch: number;
  epochs: number;
  alpha: number;
  minAlpha: number;
  /** Control block: see CTRL. */
  control: SharedArrayBuffer;
}

/** Layout of the shared control block. */
export const CTRL = {
  /** Int32 slots. */
  nextJob: 0,
  abort: 1,
  int32Slots: 4,
  /** BigInt64 slots, starting at byte 16. */
  bigOffset: 16,
  wordsDone: 0,
  effectiveWords: 1,
  jobsDone: 2,
  bigSlots: 3,
  bytes: 16 + 3 * 8,
} as const;
