/** Distance used by an index. Smaller distance = closer. */
export type Metric =
  /** 1 − cosine similarity (vectors are unit-normalised on insert). */
  | 'cosine'
  /** Squared Euclidean distance. */
  | 'l2'
  /** Negative inner product (maximum inner-product search). */
  | 'ip'
  /** Hamming distance between bit vectors (`dim` bits, packed 8 per byte). */
  | 'hamming';

/** A user-chosen identifier of a vector. */
export type Id = string | number;

/** Free-form JSON metadata stored with a vector. */
export type Metadata = Record<string, unknown>;

/** One search result. */
export interface SearchHit {
  id: Id;
  /** Distance under the index's metric (see {@link Metric}). */
  distance: number;
  metadata?: Metadata;
}

/** Selects which stored vectors may be returned: a predicate on (id, metadata), or an allow-list of ids. */
export type SearchFilter = ((id: Id, metadata: Metadata | undefined) => boolean) | Iterable<Id>;

/** Per-query options. */
export interface IndexSearchOptions {
  /** HNSW: size of the dynamic candidate list (default: the index's `efSearch`, at least k). */
  ef?: number;
  /** Only vectors passing the filter are returned; it is applied inside the graph search. */
  filter?: SearchFilter;
  /** Include metadata in the hits. Default true. */
  withMetadata?: boolean;
  /**
   * Quantized HNSW: re-score the traversal's candidates with the exact vectors (default true).
   * false returns the traversal order and its approximate distances (faster, lower recall).
   */
  rerank?: boolean;
}

/** Vectors accepted by `add`/`search`: one vector, or rows of a matrix. */
export type VectorInput =
  Float32Array | readonly number[] | readonly (readonly number[])[] | { data: Float32Array; rows: number; dim: number };
