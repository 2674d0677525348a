/**
 * Projections of vectors to 2-D and 3-D for plots: PCA (randomized SVD), t-SNE and UMAP on the
 * HNSW kNN graph, seeded, on worker threads, with progress and cancellation. Package entry
 * `embedkit/project`.
 * @module embedkit/project
 */
export { project, type ProjectOptions } from './project.js';
export { PCA, type PCAOptions } from './pca.js';
export { TSNE, TSNE_AUTO_BARNES_HUT_MAX_ROWS, type TSNEMethod, type TSNEOptions } from './tsne.js';
export { UMAP, type UMAPOptions } from './umap.js';
export { neighborPreservation, trustworthiness } from './quality.js';
export type { ProjectionDims, ProjectionMethod, ProjectionProgress, ProjectionResult, RunOptions } from './types.js';
