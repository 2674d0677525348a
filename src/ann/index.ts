/**
 * Vector indexes: exact (flat) and HNSW, with ids, metadata, filters, deletion, quantized
 * traversal and crash-safe persistence. Package entry `embedkit/ann`.
 * @module embedkit/ann
 */
import { UsageError } from '../errors.js';
import { FlatIndex } from './flat-index.js';
import { HnswIndex } from './hnsw-index.js';
import type { HnswOptions, IndexOptions } from './kernel-index.js';

export { FlatIndex } from './flat-index.js';
export { HnswIndex } from './hnsw-index.js';
export type { HnswOptions, IndexOptions } from './kernel-index.js';
export {
  loadIndex,
  loadIndexSync,
  INDEX_FILE_VERSION,
  type LoadedIndex,
  type LoadIndexOptions,
  type SavedIndexMeta,
} from './persistence.js';
export type { Id, Metadata, Metric, SearchFilter, SearchHit, IndexSearchOptions, VectorInput } from './types.js';

/** A new empty index of the given type ('hnsw' by default). */
export function createIndex(options: (IndexOptions & { type: 'flat' }) | (HnswOptions & { type?: 'hnsw' })): FlatIndex | HnswIndex {
  if (options.type === 'flat') return new FlatIndex(options);
  if (options.type !== undefined && options.type !== 'hnsw')
    throw new UsageError(`index type must be 'flat' or 'hnsw', got '${String(options.type)}'`);
  return new HnswIndex(options);
}
