import { SCRATCH, SCRATCH_BYTES } from './layout.generated.js';

/** The index kernel's exports (src/kernels/c/index/*.c). Pointers are byte offsets in kernel memory. */
export interface IndexKernel extends WebAssembly.Exports {
  store_encode(store: number, first: number, n: number): void;
  hnsw_insert_list(store: number, graph: number, scratch: number, slots: number, n: number, next: number): void;
  hnsw_search_batch(
    store: number,
    graph: number,
    scratch: number,
    queries: number,
    nq: number,
    k: number,
    ef: number,
    allow: number,
    outI: number,
    outD: number,
  ): number;
  hnsw_repair(store: number, graph: number, scratch: number): void;
  flat_search_batch(
    store: number,
    clusters: number,
    scratch: number,
    queries: number,
    nq: number,
    k: number,
    allow: number,
    outI: number,
    outD: number,
  ): void;
  flat_assign(store: number, slots: number, n: number, cent: number, nlist: number, csq: number, out: number): void;
  flat_query_clusters(store: number, clusters: number, scratch: number, queries: number, nq: number, out: number): void;
  flat_cluster_reset(store: number, clusters: number): void;
  flat_cluster_rows(store: number, clusters: number, first: number, n: number): void;
}

/**
 * How the queries of one search call run in the kernel: the graph search of an HNSW index, or the
 * exact scan (the flat index's, with its clusters; or an HNSW index's for a very selective filter,
 * without). Plain data, so that it can be posted to worker threads.
 */
export interface KernelSearch {
  op: 'hnsw' | 'flat';
  /** Byte offsets of the Store struct and of the kind's struct (Graph, Clusters, or 0 for none). */
  store: number;
  kind: number;
  k: number;
  ef: number;
  /** Re-rank code traversal results by exact distance. */
  rerank: boolean;
}

/** Searches `n` query rows at `queries` in the work area `scratch` (the same call on every thread). */
export function searchChunk(
  kernel: IndexKernel,
  memory: WebAssembly.Memory,
  s: KernelSearch,
  scratch: number,
  queries: number,
  n: number,
  allow: number,
  outI: number,
  outD: number,
): void {
  new Int32Array(memory.buffer, scratch, SCRATCH_BYTES / 4)[SCRATCH.rerank] = s.rerank ? 1 : 0;
  if (s.op === 'hnsw') kernel.hnsw_search_batch(s.store, s.kind, scratch, queries, n, s.k, s.ef, allow, outI, outD);
  else kernel.flat_search_batch(s.store, s.kind, scratch, queries, n, s.k, allow, outI, outD);
}
