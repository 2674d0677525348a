import { EmbedkitError, throwIfAborted } from '../errors.js';
import { yieldToEventLoop } from '../kernels/yield.js';
import { FlatIndex } from './flat-index.js';
import { HnswIndex } from './hnsw-index.js';
import type { VectorIndex } from './vector-index.js';

/** Each row's k nearest other rows, nearest first: ids and squared Euclidean distances (n × k). */
export interface NeighborGraph {
  n: number;
  k: number;
  ids: Int32Array;
  dist2: Float32Array;
}

/** Options of {@link neighborGraph}. */
export interface NeighborGraphOptions {
  threads: number;
  seed: number;
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
  /** Up to this many rows the exact flat scan is used (default 4096). */
  exactBelow?: number;
}

/** Rows added or queried between two yields when one thread runs on the main thread. */
const CHUNK = 2048;

/**
 * The k-nearest-neighbour graph of the rows (L2): the exact flat scan for small sets, else an HNSW
 * index (efConstruction 100, queries with ef = max(64, 2(k + 1))). A row's own id is
 * dropped from its list; when the index does not return it (duplicates crowding it out) the
 * farthest hit goes instead. With one thread the rows go in chunks with yields in between, so the
 * event loop keeps running; the graph is the same as one call's.
 */
export async function neighborGraph(
  vectors: Float32Array,
  n: number,
  dim: number,
  k: number,
  o: NeighborGraphOptions,
): Promise<NeighborGraph> {
  const common = { metric: 'l2' as const, dim, capacity: n, threads: o.threads };
  const exact = n <= (o.exactBelow ?? 4096);
  const index: VectorIndex = exact
    ? new FlatIndex({ ...common, quantize: 'none' })
    : new HnswIndex({ ...common, seed: o.seed, efConstruction: 100 });
  const chunk = o.threads > 1 ? n : CHUNK;
  const ids = new Int32Array(n * k);
  const dist2 = new Float32Array(n * k);
  // adding is about half of the work, the queries the other half
  for (let start = 0; start < n; start += chunk) {
    const end = Math.min(n, start + chunk);
    await index.add(
      Array.from({ length: end - start }, (_, i) => start + i),
      { data: vectors.subarray(start * dim, end * dim), rows: end - start, dim },
    );
    o.onProgress?.((0.5 * end) / n);
    await yieldToEventLoop();
    throwIfAborted(o.signal, 'neighbour graph aborted');
  }
  const queryChunk = o.threads > 1 ? 16384 : CHUNK;
  for (let start = 0; start < n; start += queryChunk) {
    const end = Math.min(n, start + queryChunk);
    const queries = { data: vectors.subarray(start * dim, end * dim), rows: end - start, dim };
    const hits = await index.searchBatch(queries, k + 1, { ef: Math.max(64, 2 * (k + 1)), withMetadata: false });
    hits.forEach((list, q) => {
      const i = start + q;
      let c = 0;
      for (const h of list) {
        if (h.id === i || c === k) continue;
        ids[i * k + c] = h.id as number;
        dist2[i * k + c++] = Math.max(0, h.distance);
      }
      if (c === 0) throw new EmbedkitError(`neighbour graph: the index returned no neighbour of row ${i}`);
      for (; c < k; c++) {
        ids[i * k + c] = ids[i * k + c - 1];
        dist2[i * k + c] = dist2[i * k + c - 1];
      }
    });
    o.onProgress?.(0.5 + (0.5 * end) / n);
    await yieldToEventLoop();
    throwIfAborted(o.signal, 'neighbour graph aborted');
  }
  return { n, k, ids, dist2 };
}
