import type { HnswOptions, IndexOptions } from './options.js';

/**
 * Defaults of {@link IndexOptions} that do not depend on other options (`quantize`: int8 for HNSW
 * except hamming, none for flat; `threads`: the available cores).
 */
export const INDEX_DEFAULTS = Object.freeze({ int8Range: 'per-dimension' } as const satisfies Partial<IndexOptions>);

/** Defaults of the HNSW parameters of {@link HnswOptions} (hnswlib's). */
export const HNSW_DEFAULTS = Object.freeze({ m: 16, efConstruction: 200, efSearch: 50, seed: 100 } as const satisfies Partial<HnswOptions>);
