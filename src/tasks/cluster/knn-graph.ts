import { createIndex } from '../../ann/index.js';
import { AbortError } from '../../errors.js';
import type { Matrix } from '../../math/matrix.js';

/** Each row's `k` nearest other rows, nearest first: ids and Euclidean distances in n × k tables. */
export interface KnnGraph {
  k: number;
  ids: Int32Array;
  distances: Float64Array;
}

/** Options of {@link knnGraph}. */
export interface KnnGraphOptions {
  /** Exact neighbours from a flat index (O(n²·dim) time) instead of the HNSW graph. */
  exact?: boolean;
  threads?: number;
  seed?: number;
  signal?: AbortSignal;
  /** What is being computed, for the abort message. */
  what: string;
  /** Called after each chunk of queries with the rows done. */
  onRows?: (done: number, total: number) => void;
}

const CHUNK = 4096;

/**
 * The k-nearest-neighbour graph of the rows from a vector index (l2): HNSW by default, the exact
 * flat scan with `exact`. Queries go in chunks, so memory is the n × k tables plus one chunk of
 * hits. A row's own id is dropped from its list; when the index does not return it (an
 * approximate miss, or duplicates crowding it out) the farthest hit is dropped instead.
 */
export async function knnGraph(x: Matrix, k: number, options: KnnGraphOptions): Promise<KnnGraph> {
  const n = x.rows;
  const common = { metric: 'l2' as const, dim: x.dim, capacity: n, threads: options.threads };
  const index = options.exact
    ? createIndex({ ...common, type: 'flat', quantize: 'none' })
    : createIndex({ ...common, type: 'hnsw', seed: options.seed ?? 0, efConstruction: 100 });
  await index.add(
    Array.from({ length: n }, (_, i) => i),
    x,
  );
  const ids = new Int32Array(n * k);
  const distances = new Float64Array(n * k);
  for (let start = 0; start < n; start += CHUNK) {
    if (options.signal?.aborted) throw new AbortError(`${options.what} aborted`);
    const end = Math.min(n, start + CHUNK);
    const queries = { data: x.data.subarray(start * x.dim, end * x.dim), rows: end - start, dim: x.dim };
    const hits = await index.searchBatch(queries, k + 1, { ef: Math.max(64, 2 * (k + 1)), withMetadata: false });
    hits.forEach((list, q) => {
      const i = start + q;
      let c = 0;
      for (const h of list) {
        if (h.id === i || c === k) continue;
        ids[i * k + c] = h.id as number;
        distances[i * k + c++] = Math.sqrt(Math.max(0, h.distance));
      }
      if (c === 0) throw new Error(`${options.what}: the index returned no neighbour of row ${i}`);
      // fewer hits than asked (never for k < n with a complete index): repeat the farthest one
      for (; c < k; c++) {
        ids[i * k + c] = ids[i * k + c - 1];
        distances[i * k + c] = distances[i * k + c - 1];
      }
    });
    options.onRows?.(end, n);
  }
  return { k, ids, distances };
}
