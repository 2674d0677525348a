/** Start data of a k-means worker thread. */
export interface KmeansWorkerData {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  stackTop: number;
}

/** A call of one kernel export with numeric arguments; the worker answers {@link KmeansReply}. */
export interface KmeansCall {
  fn: 'km_row_norms' | 'km_step' | 'km_step_elkan' | 'km_nearest' | 'km_inertia' | 'km_pp_score';
  args: number[];
}

export type KmeansReply = { ok: true; value: number } | { ok: false; message: string };
