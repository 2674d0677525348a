import { PCA } from './pca.js';
import { gaussian } from './linalg.js';
import type { RunOptions } from './types.js';

/**
 * A starting layout: the first `dims` principal components scaled so that the first has standard
 * deviation `std` (scikit-learn's TSNE init='pca'; Kobak & Linderman 2021 on why PCA starts keep
 * the global structure), or N(0, std²) draws for 'random'.
 */
export async function initialLayout(
  init: 'pca' | 'random',
  vectors: Float32Array,
  n: number,
  dim: number,
  dims: 2 | 3,
  std: number,
  seed: number,
  threads: number,
  run: RunOptions,
): Promise<Float32Array> {
  if (init === 'random' || dim < dims) {
    const normal = gaussian(seed ^ 0x5eed);
    return Float32Array.from({ length: n * dims }, () => std * normal());
  }
  const y = await new PCA({ dims, seed, threads, iterations: 4 }).fitTransform(vectors, n, dim, run);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i * dims];
  mean /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (y[i * dims] - mean) ** 2;
  const sd = Math.sqrt(v / n);
  const scale = sd > 0 ? std / sd : 0;
  for (let i = 0; i < y.length; i++) y[i] *= scale;
  return y;
}
