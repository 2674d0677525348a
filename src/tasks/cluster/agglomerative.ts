import { UsageError } from '../../errors.js';
import type { Matrix } from '../../math/matrix.js';
import { checkK, checkRows } from './input.js';
import { nnChainLinkage, type Linkage } from './nn-chain.js';
import { sortedOrder } from './sort-weights.js';
import { UnionFind } from './union-find.js';

export type { Linkage } from './nn-chain.js';

/** Options of {@link agglomerative}. */
export interface AgglomerativeOptions {
  /** Number of clusters; or give `distanceThreshold`. */
  k?: number;
  /** Merges at a linkage distance below this are made, the others not (instead of k). */
  distanceThreshold?: number;
  /** 'ward' (default), 'average', 'complete' or 'single'; all on Euclidean distances. */
  linkage?: Linkage;
  /**
   * Largest number of rows accepted: all n(n−1)/2 pairwise distances are kept as float64, 400 MB
   * at the default 10 000 (1.6 GB at 20 000).
   */
  maxRows?: number;
  signal?: AbortSignal;
}

/** What {@link agglomerative} returns. */
export interface AgglomerativeResult {
  /** Cluster of each row, numbered in order of first appearance. */
  labels: Int32Array;
  clusters: number;
  /** The n − 1 merges sorted by distance, scipy's `linkage` layout: node n + t joins `children[2t]`, `children[2t+1]`. */
  children: Int32Array;
  distances: Float64Array;
  seconds: number;
}

const LINKAGES: readonly Linkage[] = ['ward', 'average', 'complete', 'single'];

/**
 * Agglomerative (hierarchical) clustering for small sets, as scikit-learn's
 * `AgglomerativeClustering` with Euclidean distances: the full hierarchy by the nearest-neighbour
 * chain (Murtagh 1983) on the condensed distance matrix with Lance–Williams updates, O(n²) time
 * and n(n−1)/2 floats, then cut into k clusters (the last k − 1 merges undone) or at a distance.
 */
export async function agglomerative(x: Matrix, options: AgglomerativeOptions): Promise<AgglomerativeResult> {
  const t0 = performance.now();
  checkRows(x, 'agglomerative clustering');
  const linkage = options.linkage ?? 'ward';
  if (!LINKAGES.includes(linkage))
    throw new UsageError(`agglomerative clustering: linkage must be one of ${LINKAGES.join(', ')}, got ${JSON.stringify(linkage)}`);
  const n = x.rows;
  const maxRows = options.maxRows ?? 10000;
  if (n > maxRows) {
    const gb = (((n * (n - 1)) / 2) * 8) / 2 ** 30;
    throw new UsageError(
      `agglomerative clustering keeps all n(n−1)/2 pairwise distances: ${n} vectors would need ${gb.toFixed(1)} GiB; the limit is maxRows = ${maxRows} (--max-rows) — use hdbscan, dbscan or k-means for larger sets`,
    );
  }
  const { k, distanceThreshold } = options;
  if ((k === undefined) === (distanceThreshold === undefined))
    throw new UsageError('agglomerative clustering: give either k or distanceThreshold');
  if (k !== undefined) checkK(k, n);
  if (distanceThreshold !== undefined && !(distanceThreshold >= 0 && Number.isFinite(distanceThreshold)))
    throw new UsageError(`agglomerative clustering: distanceThreshold must be a finite number ≥ 0, got ${distanceThreshold}`);
  const merges = await nnChainLinkage(x, linkage, options.signal);
  // scipy sorts the merges by distance (stable) and numbers the new nodes in that order
  const order = sortedOrder(merges.distance);
  const sets = new UnionFind(n);
  const nodeOf = Int32Array.from({ length: n }, (_, i) => i);
  const children = new Int32Array(2 * (n - 1));
  const distances = new Float64Array(n - 1);
  const apply = k !== undefined ? n - k : order.reduce((c, t) => c + (merges.distance[t] < (distanceThreshold as number) ? 1 : 0), 0);
  const cut = new UnionFind(n);
  order.forEach((t, s) => {
    const ra = sets.find(merges.a[t]);
    const rb = sets.find(merges.b[t]);
    children[2 * s] = Math.min(nodeOf[ra], nodeOf[rb]);
    children[2 * s + 1] = Math.max(nodeOf[ra], nodeOf[rb]);
    distances[s] = merges.distance[t];
    sets.union(ra, rb);
    nodeOf[sets.find(ra)] = n + s;
    if (s < apply) cut.union(merges.a[t], merges.b[t]);
  });
  const labels = new Int32Array(n);
  const labelOf = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const r = cut.find(i);
    let l = labelOf.get(r);
    if (l === undefined) labelOf.set(r, (l = labelOf.size));
    labels[i] = l;
  }
  return { labels, clusters: labelOf.size, children, distances, seconds: (performance.now() - t0) / 1000 };
}
