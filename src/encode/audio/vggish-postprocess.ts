import { readFile } from 'node:fs/promises';
import { FileFormatError } from '../../errors.js';

/** VGGish's published PCA parameters (vggish_pca_params.npz), as read from their JSON conversion. */
export interface PcaParams {
  dim: number;
  /** `dim × dim` row-major: row i is eigenvector i. */
  eigenVectors: Float64Array;
  means: Float64Array;
}

/**
 * Reads `{ "pca_eigen_vectors": [[…]], "pca_means": […] }` (the npz's two arrays; `pca_means` may be
 * the npz's `dim × 1` column). Convert once with
 * `python3 -c "import numpy as n, json; p = n.load('vggish_pca_params.npz'); json.dump({k: p[k].tolist() for k in p}, open('pca.json', 'w'))"`.
 */
export async function readPcaParams(file: string): Promise<PcaParams> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new FileFormatError(file, code === 'ENOENT' ? 'no such file' : `not JSON (${(error as Error).message})`);
  }
  const o = raw as { pca_eigen_vectors?: unknown; pca_means?: unknown };
  const rows = o.pca_eigen_vectors;
  const means = (Array.isArray(o.pca_means) ? o.pca_means.flat() : undefined) as unknown[] | undefined;
  if (!Array.isArray(rows) || rows.length === 0 || !means)
    throw new FileFormatError(file, 'expected the keys pca_eigen_vectors (matrix) and pca_means (vector)');
  const dim = rows.length;
  if (means.length !== dim || !rows.every((r) => Array.isArray(r) && r.length === dim))
    throw new FileFormatError(file, `pca_eigen_vectors must be ${dim}×${dim} and pca_means ${dim} long`);
  const eigenVectors = Float64Array.from((rows as unknown[][]).flat() as number[]);
  const m = Float64Array.from(means as number[]);
  if (!eigenVectors.every(Number.isFinite) || !m.every(Number.isFinite))
    throw new FileFormatError(file, 'non-finite values in the PCA parameters');
  return { dim, eigenVectors, means: m };
}

/**
 * VGGish's Postprocessor (vggish_postprocess.py): PCA-whiten each embedding, E·(x − μ); with
 * `quantize`, clip to [−2, 2] and quantise to 8 bits ((x + 2)·255/4, rounded), then map the byte back
 * to [−2, 2] so the vector stays centred for cosine similarity.
 */
export function applyPostprocess(data: Float32Array, n: number, pca: PcaParams, quantize: boolean): Float32Array {
  const { dim, eigenVectors, means } = pca;
  const out = new Float32Array(n * dim);
  const centred = new Float64Array(dim);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < dim; j++) centred[j] = data[r * dim + j] - means[j];
    for (let i = 0; i < dim; i++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += eigenVectors[i * dim + j] * centred[j];
      if (quantize) {
        const q = Math.round((Math.min(2, Math.max(-2, s)) + 2) * (255 / 4));
        s = (q * 4) / 255 - 2;
      }
      out[r * dim + i] = s;
    }
  }
  return out;
}
