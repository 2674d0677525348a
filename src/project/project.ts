import { UsageError } from '../errors.js';
import { checkDims } from './input.js';
import { PCA } from './pca.js';
import { TSNE, type TSNEMethod } from './tsne.js';
import type { ProjectionDims, ProjectionMethod, ProjectionProgress, ProjectionResult } from './types.js';
import { UMAP } from './umap.js';

/** Options of {@link project}: the method, its main hyper-parameters, and the run's controls. */
export interface ProjectOptions {
  method: ProjectionMethod;
  /** Output dimensions: 2 or 3. Default 2. */
  dims?: ProjectionDims;
  seed?: number;
  threads?: number;
  /** t-SNE: perplexity (default 30). */
  perplexity?: number;
  /** t-SNE: 'barnes-hut' (default) or 'fast' (sampled repulsion; see TSNEOptions.method). */
  tsneMethod?: TSNEMethod;
  /** UMAP: neighbourhood size, the row included (default 15). */
  neighbors?: number;
  /** UMAP: smallest distance between embedded points (default 0.1). */
  minDist?: number;
  /** t-SNE: gradient iterations (default 1000); UMAP: epochs (default 500 / 200); PCA: power iterations. */
  iterations?: number;
  signal?: AbortSignal;
  onProgress?: (progress: ProjectionProgress) => void;
}

/**
 * Projects `vectors` (n × dim, row-major float32) to 2 or 3 dimensions with PCA, t-SNE or UMAP.
 * Runs on worker threads (the event loop stays free); with a seed and `threads: 1` the result
 * repeats bit for bit. For all hyper-parameters use the {@link PCA}, {@link TSNE} and {@link UMAP}
 * classes.
 */
export async function project(vectors: Float32Array, n: number, dim: number, options: ProjectOptions): Promise<ProjectionResult> {
  const started = performance.now();
  const dims = checkDims('project', options.dims ?? 2);
  const run = { signal: options.signal, onProgress: options.onProgress };
  const common = { dims, seed: options.seed, threads: options.threads };
  let coords: Float32Array;
  let explained: Pick<ProjectionResult, 'explainedVariance' | 'explainedVarianceRatio'> = {};
  switch (options.method) {
    case 'pca': {
      const pca = new PCA({ ...common, iterations: options.iterations });
      coords = await pca.fitTransform(vectors, n, dim, run);
      explained = { explainedVariance: pca.explainedVariance, explainedVarianceRatio: pca.explainedVarianceRatio };
      break;
    }
    case 'tsne':
      coords = await new TSNE({
        ...common,
        perplexity: options.perplexity,
        iterations: options.iterations,
        method: options.tsneMethod,
      }).fitTransform(vectors, n, dim, run);
      break;
    case 'umap':
      coords = await new UMAP({
        ...common,
        neighbors: options.neighbors,
        minDist: options.minDist,
        epochs: options.iterations,
      }).fitTransform(vectors, n, dim, run);
      break;
    default:
      throw new UsageError(`project: method must be pca, tsne or umap, got '${String(options.method)}'`);
  }
  return { coords, n, dims, seconds: (performance.now() - started) / 1000, ...explained };
}
