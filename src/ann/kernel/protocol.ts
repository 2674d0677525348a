import type { KernelSearch } from './index-kernel.js';

/** A job for an index worker thread (structured-cloned; memory and buffers are shared). */
export type IndexJob =
  | {
      op: 'insert';
      /** Byte offsets of the Store and Graph structs. */
      store: number;
      graph: number;
      /** Byte offset of the slot list (int32) and its length, and of the shared counter. */
      slots: number;
      n: number;
      next: number;
    }
  | {
      op: 'search';
      search: KernelSearch;
      /** Query rows (rowBytes each) in `queries` (shared), results written to `outI`/`outD` (shared). */
      queries: SharedArrayBuffer;
      rowBytes: number;
      outI: SharedArrayBuffer;
      outD: SharedArrayBuffer;
      /** Byte offset of the call's allow bitmap in kernel memory, or 0. */
      allow: number;
      /** Shared counter (Int32Array slot 0) of the next query chunk to take. */
      counter: SharedArrayBuffer;
      nq: number;
      chunk: number;
    };

/** What every index worker gets: the job and the work area leased for this thread. */
export interface IndexWorkerData {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  scratch: number;
  stackTop: number;
  /** This thread's query and output buffers in kernel memory. */
  queries: number;
  outI: number;
  outD: number;
  job: IndexJob;
}
