import type { CaseLimits } from './lib/run-case.js';

/** Main thread → worker: run `runs` cases of `target` from fast-check seed `seed`. */
export interface ChunkRequest {
  type: 'chunk';
  target: string;
  seed: number;
  runs: number;
  limits: CaseLimits;
}

/** A failure of a chunk: enough to replay it (`seed` + fast-check `path`) and the saved file. */
export interface ChunkFailure {
  target: string;
  seed: number;
  path: string;
  detail: string;
  description: string;
  /** The failing file, copied to the findings folder. */
  saved?: string;
}

/** Worker → main thread: the chunk ran (possibly stopping at a failure). */
export interface ChunkDone {
  type: 'done';
  target: string;
  cases: number;
  loaded: number;
  rejected: number;
  messages: [string, number][];
  ms: number;
  failure?: ChunkFailure;
}

/** Worker → main thread: the worker could not run the chunk (e.g. building the bases failed). */
export interface ChunkError {
  type: 'error';
  target: string;
  message: string;
}

export type WorkerReply = ChunkDone | ChunkError;

/** Data given to each worker. */
export interface WorkerSetup {
  /** Scratch folder of this worker (case files are written there). */
  dir: string;
  /** Where failing files are copied. */
  findings: string;
  /** Int32Array[0] is incremented before each case: the main thread's watchdog watches it. */
  heartbeat: SharedArrayBuffer;
}
