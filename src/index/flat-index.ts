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

  /** int8 flat indexes of 32–512 dims screen in a principal-axes basis (see fitRotation). */
  protected override usesRotation(o: IndexOptions, codeStride: number): boolean {
    return codeStride > 0 && o.metric !== 'hamming' && o.dim >= 32 && o.dim <= 512;
  }

  /** The rotation is not stored: it is refitted (with the quantizer) from the loaded vectors. */
  protected override refitOnLoad(): boolean {
    return true;
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
