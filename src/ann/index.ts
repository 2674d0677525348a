/**
 * Vector indexes: exact (flat) and HNSW, with ids, metadata, filters, deletion, quantized
 * traversal and crash-safe persistence, behind one {@link VectorIndex} interface. Package entry
 * `embedkit/ann`.
 * @module embedkit/ann
 */
import { UsageError } from '../errors.js';
import { FlatIndex } from './flat-index.js';
import { HnswIndex } from './hnsw-index.js';
import type { HnswOptions, IndexOptions } from './options.js';

export { FlatIndex } from './flat-index.js';
export { HnswIndex } from './hnsw-index.js';
export type { HnswOptions, IndexOptions } from './options.js';
export type { StoredVector, VectorIndex } from './vector-index.js';
export {
  loadIndex,
  loadIndexSync,
  INDEX_FILE_VERSION,
  type LoadedIndex,
  type LoadIndexOptions,
  type SavedIndexMeta,
} from './persistence.js';
export type { Id, Metadata, Metric, SearchFilter, SearchHit, IndexSearchOptions, VectorInput } from './types.js';

/** Options of {@link createIndex}: a type and that type's options. */
export type CreateIndexOptions = (IndexOptions & { type: 'flat' }) | (HnswOptions & { type?: 'hnsw' });

/** A new empty index of the given type ('hnsw' by default). Both types implement {@link VectorIndex}. */
export function createIndex(options: IndexOptions & { type: 'flat' }): FlatIndex;
export function createIndex(options: HnswOptions & { type?: 'hnsw' }): HnswIndex;
export function createIndex(options: CreateIndexOptions): FlatIndex | HnswIndex;
export function createIndex(options: CreateIndexOptions): FlatIndex | HnswIndex {
  if (options.type === 'flat') return new FlatIndex(options);
  if (options.type !== undefined && options.type !== 'hnsw')
    throw new UsageError(`index type must be 'flat' or 'hnsw', got '${String(options.type)}'`);
  return new HnswIndex(options);
}
