import { availableParallelism } from 'node:os';
import { UsageError } from '../errors.js';
import { INDEX_DEFAULTS } from './defaults.js';
import type { Metric } from './types.js';

/** Options shared by every index type. */
export interface IndexOptions {
  metric: Metric;
  /** Dimensions (bits for hamming). */
  dim: number;
  /**
   * Traversal/screening codes: 'int8' scalar quantization or 'binary' sign bits; results are
   * re-ranked by exact distance. Default 'int8' ('none' for hamming).
   */
  quantize?: 'none' | 'int8' | 'binary';
  /** int8: one range per dimension (default) or one for all. */
  int8Range?: 'per-dimension' | 'global';
  /** Worker threads for large builds and batches. Default: available cores. */
  threads?: number;
  /** Initial capacity in vectors (grows by doubling). */
  capacity?: number;
}

/** Options of an HNSW index (Malkov & Yashunin 2018). */
export interface HnswOptions extends IndexOptions {
  /** Links per node on upper levels (level 0 has 2·M). Default 16. */
  m?: number;
  /** Candidate list size while building. Default 200. */
  efConstruction?: number;
  /** Default candidate list size for searches. Default 50. */
  efSearch?: number;
  /** Seed of the level generator. Default 100 (hnswlib's). */
  seed?: number;
}

/** The options every index type shares, checked and with their defaults. */
export interface StoreSettings {
  metric: Metric;
  dim: number;
  quantize: 'none' | 'int8' | 'binary';
  int8Range: 'per-dimension' | 'global';
  threads: number;
  capacity: number;
}

/** Checks the shared options and fills in the defaults. */
export function storeSettings(o: IndexOptions): StoreSettings {
  if (!['cosine', 'l2', 'ip', 'hamming'].includes(o.metric))
    throw new UsageError(`metric must be cosine, l2, ip or hamming, got '${o.metric}'`);
  if (!Number.isInteger(o.dim) || o.dim < 1 || o.dim > 65536) throw new UsageError(`dim must be an integer in 1..65536, got ${o.dim}`);
  // int8 codes by default: exact re-ranking keeps results and distances exact, and both index
  // types search faster on them (dim extra bytes per vector)
  const quantize = o.quantize ?? (o.metric === 'hamming' ? 'none' : 'int8');
  if (!['none', 'int8', 'binary'].includes(quantize)) throw new UsageError(`quantize must be none, int8 or binary, got '${quantize}'`);
  if (o.metric === 'hamming' && quantize !== 'none') throw new UsageError('hamming vectors are already bits: quantize must be none');
  const int8Range = o.int8Range ?? INDEX_DEFAULTS.int8Range;
  if (int8Range !== 'per-dimension' && int8Range !== 'global')
    throw new UsageError(`int8Range must be per-dimension or global, got ${JSON.stringify(int8Range)}`);
  return {
    metric: o.metric,
    dim: o.dim,
    quantize,
    int8Range,
    threads: Math.max(1, Math.floor(o.threads ?? availableParallelism())),
    capacity: Math.max(16, Math.floor(o.capacity ?? 1024)),
  };
}
