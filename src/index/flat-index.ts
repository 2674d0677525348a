import { KernelIndex, type IndexOptions } from './kernel-index.js';

/**
 * Exact nearest-neighbour index: every query is compared with every stored vector by the SIMD
 * kernel, four queries at a time so each stored row is read once per block; batches run on worker
 * threads. Same API as the HNSW index (ids, metadata, filters, deletion, persistence).
 */
export class FlatIndex extends KernelIndex {
  readonly type = 'flat';

  constructor(options: IndexOptions) {
    super(options, 1, 1);
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
