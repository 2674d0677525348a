import type { CaseLimits } from './lib/run-case.js';

/** Main process → worker: run `runs` cases of `target` from fast-check seed `seed`. */
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

/** Worker → main process: the chunk ran (possibly stopping at a failure). */
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

/** Worker → main process: a case is about to be read (the watchdog's heartbeat). */
export interface CaseBeat {
  type: 'beat';
}

/** Worker → main process: the worker could not run the chunk (e.g. building the bases failed). */
export interface ChunkError {
  type: 'error';
  target: string;
  message: string;
}

export type WorkerReply = ChunkDone | ChunkError | CaseBeat;

/** Main process → worker, first message: where to work. */
export interface WorkerSetup {
  type: 'setup';
  /** Scratch folder of this worker (case files are written there). */
  dir: string;
  /** Where failing files are copied. */
  findings: string;
}
