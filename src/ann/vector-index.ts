import type { Id, IndexSearchOptions, Metadata, Metric, SearchHit, VectorInput } from './types.js';

/** A stored vector (unit-normalised for cosine; packed bits for hamming) and its metadata. */
export interface StoredVector {
  vector: Float32Array | Uint8Array;
  metadata?: Metadata;
}

/**
 * A vector index: vectors under string or number ids, with optional JSON metadata, searched for
 * the k nearest under the index's metric. Implemented by {@link FlatIndex} (exact) and
 * {@link HnswIndex} (approximate); `createIndex` and `loadIndex` return one. Anything that takes a
 * `VectorIndex` (e.g. `KeyedVectors.attachIndex`) works with either.
 *
 * **Concurrency.** An index is used from one thread (its worker threads are internal), and the
 * asynchronous calls may overlap with others:
 * - The asynchronous calls (`add`, `searchBatch`, `save`) run one at a time, in call order. A call
 *   that has to wait copies its input first, so the caller may reuse its arrays at once.
 * - While any asynchronous call is in flight (from the call until its promise settles), the
 *   synchronous changes (`addSync`, `remove`, `compact`, `saveSync`, and `reorder`/`cluster`)
 *   throw a `UsageError` ("busy"): await the call first.
 * - Synchronous searches (`search`, `searchBatchSync`) and `has`/`get`/`size` may run at any time,
 *   also while an asynchronous add or searchBatch runs on worker threads: each search call uses a
 *   work area and a filter bitmap of its own, so any `k`, `ef` or filter is safe. During an
 *   asynchronous add a search sees the vectors added so far (an HNSW graph is read under its
 *   per-node locks meanwhile).
 * - Errors of a synchronous call are thrown by it; errors of an asynchronous call reject its promise.
 */
export interface VectorIndex {
  /** 'flat' (exact) or 'hnsw' (approximate). */
  readonly type: 'flat' | 'hnsw';
  readonly metric: Metric;
  /** Dimensions (bits for hamming). */
  readonly dim: number;
  /** Number of vectors stored. */
  readonly size: number;

  /** Whether a vector is stored under `id` (7 and '7' are different ids). */
  has(id: Id): boolean;
  /** The stored vector and metadata of `id`, or undefined. */
  get(id: Id): StoredVector | undefined;

  /**
   * Inserts vectors under the given ids, or updates them: an id already stored gets the new vector
   * and metadata (its old vector is removed). There is no separate `upsert`: `add` is one. Large
   * batches are built on worker threads; the event loop stays free.
   * @param vectors one vector, or rows back to back (`Float32Array`, `number[]`, `number[][]`, or a
   *   `{ data, rows, dim }` matrix); packed bits in a `Uint8Array` for hamming.
   * @param metadata one JSON object per vector (or one for a single vector).
   */
  add(ids: Id | readonly Id[], vectors: VectorInput | Uint8Array, metadata?: Metadata | readonly (Metadata | undefined)[]): Promise<void>;
  /** {@link add} on the calling thread; its errors are thrown. */
  addSync(ids: Id | readonly Id[], vectors: VectorInput | Uint8Array, metadata?: Metadata | readonly (Metadata | undefined)[]): void;
  /** Removes `id`; returns whether it was stored. Its slot is reused after {@link compact} (or the next add or save). */
  remove(id: Id): boolean;
  /** Cleans up after removals now (HNSW: repairs the graph around them) and makes their slots reusable. */
  compact(): void;

  /** The k nearest neighbours of one query, closest first. */
  search(query: VectorInput | Uint8Array, k: number, options?: IndexSearchOptions): SearchHit[];
  /** The k nearest neighbours of each query row, on the calling thread. */
  searchBatchSync(queries: VectorInput | Uint8Array, k: number, options?: IndexSearchOptions): SearchHit[][];
  /** The k nearest neighbours of each query row; large batches run on worker threads. */
  searchBatch(queries: VectorInput | Uint8Array, k: number, options?: IndexSearchOptions): Promise<SearchHit[][]>;

  /**
   * Writes the index to one file, atomically (temp file + fsync + rename: a crash during the save
   * leaves the previous file intact). Removals are compacted first. `loadIndex` reads it back.
   */
  save(path: string): Promise<void>;
  /** Synchronous {@link save}. */
  saveSync(path: string): void;
}
