import { UsageError } from '../../errors.js';
import { silhouetteScore } from '../../evaluate/clustering-metrics.js';
import type { Matrix } from '../../math/matrix.js';
import { checkRows } from './input.js';
import { KMeans } from './kmeans.js';

/** Options of {@link chooseK}. */
export interface ChooseKOptions {
  /** Cluster counts to try. Default 2 … 10. */
  candidates?: readonly number[];
  /** Rows scored by the silhouette (seeded sample; it is O(sample · n · dim)). Default 2000. */
  silhouetteSample?: number;
  seed?: number;
  threads?: number;
  signal?: AbortSignal;
}

/** One tried k: k-means inertia and the mean silhouette of its clustering. */
export interface KScore {
  k: number;
  inertia: number;
  silhouette: number;
}

/** What {@link chooseK} returns. */
export interface ChooseKResult {
  scores: KScore[];
  /** The k with the highest silhouette. */
  bestSilhouette: number;
  /**
   * The elbow of the inertia curve: the k farthest below the straight line from the first to the
   * last candidate (the "kneedle" rule, Satopää et al. 2011, on inertia normalised to [0, 1]).
   */
  elbow: number;
}

/**
 * Helps choose the number of clusters: runs k-means for each candidate k and reports its inertia
 * (for the elbow) and silhouette (on a seeded sample of rows, exact distances to all rows).
 */
export async function chooseK(x: Matrix, options: ChooseKOptions = {}): Promise<ChooseKResult> {
  checkRows(x, 'chooseK');
  const candidates = [...(options.candidates ?? [2, 3, 4, 5, 6, 7, 8, 9, 10])].sort((a, b) => a - b);
  if (candidates.length < 2) throw new UsageError('chooseK needs at least 2 candidate values of k');
  for (const k of candidates)
    if (!(Number.isInteger(k) && k >= 2 && k < x.rows))
      throw new UsageError(`chooseK: each k must be an integer in 2 … ${x.rows - 1}, got ${k}`);
  const scores: KScore[] = [];
  for (const k of candidates) {
    const r = await new KMeans({ k, seed: options.seed, threads: options.threads, signal: options.signal }).fit(x);
    const silhouette = silhouetteScore(x, r.labels, { sample: options.silhouetteSample ?? 2000, seed: options.seed });
    scores.push({ k, inertia: r.inertia, silhouette });
  }
  const best = scores.reduce((a, b) => (b.silhouette > a.silhouette ? b : a));
  const first = scores[0];
  const last = scores[scores.length - 1];
  const span = first.inertia - last.inertia || 1;
  let elbow = first.k;
  let gap = -Infinity;
  for (const s of scores) {
    const t = (s.k - first.k) / (last.k - first.k);
    const line = 1 - t; // normalised inertia of the straight line
    const g = line - (s.inertia - last.inertia) / span;
    if (g > gap) {
      gap = g;
      elbow = s.k;
    }
  }
  return { scores, bestSilhouette: best.k, elbow };
}
