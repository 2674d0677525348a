import { KernelIndex, type IndexOptions } from './kernel-index.js';

/**
 * Exact nearest-neighbour index: every query is compared with every stored vector by the SIMD
 * kernel, four queries at a time so each stored row is read once per block; batches run on worker
 * threads. By default (`quantize: 'int8'`) rows also get int8 codes with a per-row error bound: the
 * integer scan skips every row that provably cannot be among the k nearest, and only the rest are
 * scored in float — the results are the exact ones. Same API as the HNSW index (ids, metadata,
 * filters, deletion, persistence).
 */
export class FlatIndex extends KernelIndex {
  readonly type = 'flat';

  constructor(options: IndexOptions) {
    super({ ...options, quantize: options.quantize ?? (options.metric === 'hamming' ? 'none' : 'int8') }, 1, 1);
  }

  protected defaultEf(): number {
    return 1;
  }

  protected async insertSlots(): Promise<void> {
    // Nothing to link: stored rows are searchable as soon as they are written.
  }

  protected repair(): void {
    // No graph: removed slots only need to be released.
  }

  protected runSearch(_exact: boolean, scratch: number, queries: number, n: number, k: number, _ef: number, allow: number, outI: number, outD: number): void {
    const st = this.store;
    st.kernel.flat_search_batch(st.data.struct, scratch, queries, n, k, allow, outI, outD);
  }
}
