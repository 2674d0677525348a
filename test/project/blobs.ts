import { silhouetteScore } from '../../src/evaluate/clustering-metrics.js';
import { blobs } from '../tasks/cluster/blobs.js';

/** Well-separated Gaussian blobs for the projection tests: n rows of `dim`, `centers` blobs. */
export function separatedBlobs(n: number, dim: number, centers: number, seed: number) {
  return blobs(n, dim, centers, seed, 12);
}

/** Silhouette of the blob labels in an embedding (n × dims). */
export function silhouetteOf(coords: Float32Array, n: number, dims: number, labels: Int32Array): number {
  return silhouetteScore({ rows: n, dim: dims, data: coords }, labels);
}
