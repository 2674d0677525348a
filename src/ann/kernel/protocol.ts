/** A job for an index worker thread (structured-cloned; memory and buffers are shared). */
export type IndexJob =
  | {
      op: 'insert';
      /** Byte offset of the slot list (int32) and its length, and of the shared counter. */
      slots: number;
      n: number;
      next: number;
    }
  | {
      op: 'search' | 'flat';
      /** Query rows (rowBytes each) in `queries` (shared), results written to `outI`/`outD` (shared). */
      queries: SharedArrayBuffer;
      rowBytes: number;
      outI: SharedArrayBuffer;
      outD: SharedArrayBuffer;
      k: number;
      ef: number;
      /** Byte offset of the allow bitmap in kernel memory, or 0. */
      allow: number;
      /** Shared counter (Int32Array slot 0) of the next query chunk to take. */
      counter: SharedArrayBuffer;
      /** Re-rank code traversal results by exact distance. */
      rerank: boolean;
      nq: number;
      chunk: number;
    };

/** What every index worker gets. */
export interface IndexWorkerData {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  index: number;
  scratch: number;
  stackTop: number;
  /** This thread's query and output buffers in kernel memory. */
  queries: number;
  outI: number;
  outD: number;
  job: IndexJob;
}
