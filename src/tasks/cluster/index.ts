/**
 * Clustering of embedding vectors: k-means (Lloyd with k-means++ seeding, in the WASM SIMD kernel,
 * on worker threads).
 */
export { assignToCentroids, KMeans, type KMeansOptions, type KMeansResult } from './kmeans.js';
export { MiniBatchKMeans, type MiniBatchKMeansOptions } from './minibatch-kmeans.js';
