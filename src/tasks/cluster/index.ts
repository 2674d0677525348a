/**
 * Clustering of embedding vectors: k-means (Lloyd with k-means++ seeding, in the WASM SIMD kernel,
 * on worker threads), mini-batch k-means, DBSCAN and HDBSCAN on the HNSW index, agglomerative
 * clustering of small sets.
 */
export { chooseK, type ChooseKOptions, type ChooseKResult, type KScore } from './choose-k.js';
export { dbscan, type DbscanOptions, type DbscanResult } from './dbscan.js';
export { assignToCentroids, KMeans, type KMeansOptions, type KMeansResult } from './kmeans.js';
export { MiniBatchKMeans, type MiniBatchKMeansOptions } from './minibatch-kmeans.js';
export { agglomerative, type AgglomerativeOptions, type AgglomerativeResult, type Linkage } from './agglomerative.js';
export { hdbscan, type HdbscanOptions, type HdbscanResult } from './hdbscan.js';
export type { ClusterSelection } from './hdbscan-extract.js';
