import { AbortError, UsageError } from '../../errors.js';
import type { Matrix } from '../../math/matrix.js';
import { condenseTree, type CondensedTree } from './condensed-tree.js';
import { exactCoreDistances, exactReachabilityTree } from './exact-mst.js';
import { extractClusters, type ClusterSelection } from './hdbscan-extract.js';
import { refineBetweenLeaves } from './hdbscan-refine.js';
import { checkRows } from './input.js';
import { knnGraph } from './knn-graph.js';
import { coreDistances, reachabilityTree, type SpanningTree } from './reachability-mst.js';
import { singleLinkage } from './single-linkage.js';

/** Options of {@link hdbscan}. */
export interface HdbscanOptions {
  /** Smallest group of points that counts as a cluster. Default 5. */
  minClusterSize?: number;
  /**
   * Points (the point itself included, as scikit-learn's HDBSCAN and R's dbscan count them) whose
   * neighbourhood defines the core distance. Default: minClusterSize.
   */
  minSamples?: number;
  /** 'eom' (excess of mass, default) or 'leaf' (the finest clusters of the condensed tree). */
  clusterSelection?: ClusterSelection;
  /**
   * Neighbours per point in the kNN graph whose mutual reachability edges make the spanning tree
   * (memory n · neighbors). More gives a tree closer to the exact one. Default max(16, minSamples).
   */
  neighbors?: number;
  /**
   * Exact HDBSCAN*: core distances and the minimum spanning tree over all pairs (Prim, as R's
   * dbscan), O(n²·dim) time but O(n) memory; `neighbors` is then unused. Default false.
   */
  exact?: boolean;
  /** Worker threads of the index. Default: the index's (available cores). */
  threads?: number;
  /** Seed of the HNSW levels and of the component joining. Default 0. */
  seed?: number;
  signal?: AbortSignal;
  /** Progress of the neighbour searches (the long part), rows done of rows. */
  onProgress?: (done: number, total: number) => void;
}

/** What {@link hdbscan} returns. */
export interface HdbscanResult {
  /** Cluster of each row, −1 for noise. */
  labels: Int32Array;
  clusters: number;
  noise: number;
  /** Strength of each row's membership in its cluster, in [0, 1] (0 for noise). */
  probabilities: Float64Array;
  /** GLOSH outlier score of each row, in [0, 1] (higher: more of an outlier). */
  outlierScores: Float64Array;
  /** Stability (excess of mass) of each cluster, by label. */
  stabilities: Float64Array;
  /** Rounds needed to join the components the kNN graph left apart (0: it was connected). */
  joinRounds: number;
  seconds: number;
}

/** Rounds of joining the condensed tree's leaves directly (see `refineBetweenLeaves`). */
const REFINE_PASSES = 2;

function positiveInt(value: number, name: string, min: number): number {
  if (!(Number.isInteger(value) && value >= min)) throw new UsageError(`HDBSCAN: ${name} must be an integer ≥ ${min}, got ${value}`);
  return value;
}

/**
 * HDBSCAN* (Campello, Moulavi & Sander 2013; McInnes & Healy 2017) with neighbourhoods from the
 * HNSW index, so memory is O(n · neighbors), never n × n:
 * 1. each row's `neighbors` nearest rows from the index; core distance = distance to the
 *    (minSamples − 1)-th of them;
 * 2. the minimum spanning tree of the mutual reachability distances max(core(a), core(b), d(a, b))
 *    over those kNN edges, its components joined when the kNN graph is not connected
 *    (see `reachabilityTree`), then the leaves of its condensed tree joined by direct edges
 *    (see `refineBetweenLeaves`: kNN edges alone link close clusters through noise points);
 * 3. the single-linkage tree, condensed with minClusterSize, and flat clusters by excess of mass
 *    (or the leaves).
 * With `exact` the core distances and the tree come from all pairs: exact HDBSCAN*.
 */
export async function hdbscan(x: Matrix, options: HdbscanOptions = {}): Promise<HdbscanResult> {
  const t0 = performance.now();
  checkRows(x, 'HDBSCAN');
  const minClusterSize = positiveInt(options.minClusterSize ?? 5, 'minClusterSize', 2);
  const minSamples = positiveInt(options.minSamples ?? minClusterSize, 'minSamples', 1);
  const selection = options.clusterSelection ?? 'eom';
  if (selection !== 'eom' && selection !== 'leaf')
    throw new UsageError(`HDBSCAN: clusterSelection must be 'eom' or 'leaf', got ${JSON.stringify(selection)}`);
  const n = x.rows;
  if (minClusterSize > n) throw new UsageError(`HDBSCAN: minClusterSize = ${minClusterSize} is larger than the number of vectors (${n})`);
  if (minSamples > n) throw new UsageError(`HDBSCAN: minSamples = ${minSamples} is larger than the number of vectors (${n})`);
  const neighbors = Math.min(n - 1, positiveInt(options.neighbors ?? Math.max(16, minSamples), 'neighbors', 1));
  if (neighbors < minSamples - 1) throw new UsageError(`HDBSCAN: neighbors (${neighbors}) must be ≥ minSamples − 1 (${minSamples - 1})`);
  const seed = options.seed ?? 0;
  let tree: SpanningTree;
  let condensed: CondensedTree;
  if (options.exact) {
    // all pairs, as R's dbscan::hdbscan: O(n²·dim) time but O(n) memory
    tree = await exactReachabilityTree(x, await exactCoreDistances(x, minSamples, options.signal), options.signal);
    condensed = condenseTree(singleLinkage(tree, n), n, minClusterSize);
    options.onProgress?.(n, n);
  } else {
    const graph = await knnGraph(x, neighbors, {
      threads: options.threads,
      seed,
      signal: options.signal,
      what: 'HDBSCAN',
      onRows: options.onProgress,
    });
    const core = coreDistances(graph, minSamples);
    tree = await reachabilityTree(x, graph, core, { seed, threads: options.threads });
    condensed = condenseTree(singleLinkage(tree, n), n, minClusterSize);
    for (let pass = 0; pass < REFINE_PASSES; pass++) {
      if (options.signal?.aborted) throw new AbortError('HDBSCAN aborted');
      tree = await refineBetweenLeaves(x, graph, core, tree, condensed, { seed: seed + pass, threads: options.threads });
      condensed = condenseTree(singleLinkage(tree, n), n, minClusterSize);
    }
  }
  const e = extractClusters(condensed, n, selection);
  let noise = 0;
  for (const l of e.labels) if (l < 0) noise++;
  return {
    labels: e.labels,
    clusters: e.stabilities.length,
    noise,
    probabilities: e.probabilities,
    outlierScores: e.outlierScores,
    stabilities: e.stabilities,
    joinRounds: tree.joinRounds,
    seconds: (performance.now() - t0) / 1000,
  };
}
