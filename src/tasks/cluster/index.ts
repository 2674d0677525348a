/**
 * Clustering of embedding vectors: k-means (Lloyd with k-means++ seeding, in the WASM SIMD kernel,
 * on worker threads), mini-batch k-means, DBSCAN on the HNSW index.
 */
export { chooseK, type ChooseKOptions, type ChooseKResult, type KScore } from './choose-k.js';
export { dbscan, type DbscanOptions, type DbscanResult } from './dbscan.js';
export { assignToCentroids, KMeans, type KMeansOptions, type KMeansResult } from './kmeans.js';
export { MiniBatchKMeans, type MiniBatchKMeansOptions } from './minibatch-kmeans.js';
