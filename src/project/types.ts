/** The projection methods of {@link project}. */
export type ProjectionMethod = 'pca' | 'tsne' | 'umap';

/** Output dimensions of a projection meant for plots. */
export type ProjectionDims = 2 | 3;

/**
 * One progress report: the phase running and its progress in [0, 1]. Phases: 'prepare' (copying and
 * centring), 'pca', 'neighbors' (the kNN graph), 'affinities' (t-SNE's P or UMAP's fuzzy graph),
 * 'optimize' (the layout iterations).
 */
export interface ProjectionProgress {
  phase: 'prepare' | 'pca' | 'neighbors' | 'affinities' | 'optimize';
  progress: number;
}

/** Per-call options of every `fitTransform`: cancellation and progress. */
export interface RunOptions {
  /** Aborting rejects the call with an AbortError (workers are stopped). */
  signal?: AbortSignal;
  onProgress?: (progress: ProjectionProgress) => void;
}

/** The result of {@link project}. */
export interface ProjectionResult {
  /** n × dims row-major coordinates. */
  coords: Float32Array;
  n: number;
  dims: ProjectionDims;
  /** Wall-clock seconds of the whole call. */
  seconds: number;
  /** PCA only: the variance each output dimension explains, and its share of the total. */
  explainedVariance?: Float64Array;
  explainedVarianceRatio?: Float64Array;
}
