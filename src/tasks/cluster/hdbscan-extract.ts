import type { CondensedTree } from './condensed-tree.js';

/** How flat clusters are chosen from the condensed tree. */
export type ClusterSelection = 'eom' | 'leaf';

/** Labels (−1 noise), membership probabilities and GLOSH outlier scores of the points. */
export interface Extraction {
  labels: Int32Array;
  probabilities: Float64Array;
  outlierScores: Float64Array;
  /** Stability of each selected cluster, by label. */
  stabilities: Float64Array;
}

/**
 * Cluster stability (Campello et al. 2013, eq. 3): Σ over the cluster's children of
 * (λ_child − λ_birth) · size, the birth λ being that of the edge that created the cluster (0 for
 * the root). Indexed by cluster − n.
 */
function stabilities(tree: CondensedTree, n: number): Float64Array {
  const birth = new Float64Array(tree.clusters);
  for (let e = 0; e < tree.child.length; e++) if (tree.child[e] >= n) birth[tree.child[e] - n] = tree.lambda[e];
  const s = new Float64Array(tree.clusters);
  for (let e = 0; e < tree.child.length; e++) {
    const p = tree.parent[e] - n;
    s[p] += (tree.lambda[e] - birth[p]) * tree.childSize[e];
  }
  return s;
}

/**
 * Which clusters are selected (indexed by cluster − n; never the root). 'eom' — excess of mass:
 * bottom-up, a cluster whose own stability is at least the summed (already optimised) stability
 * of its child clusters is kept in their place; a kept cluster hides everything below it. 'leaf' —
 * the clusters of the condensed tree that have no child clusters.
 */
function select(tree: CondensedTree, n: number, method: ClusterSelection, stability: Float64Array): Uint8Array {
  const C = tree.clusters;
  const parentOf = new Int32Array(C).fill(-1);
  for (let e = 0; e < tree.child.length; e++) if (tree.child[e] >= n) parentOf[tree.child[e] - n] = tree.parent[e] - n;
  const flagged = new Uint8Array(C);
  if (method === 'leaf') {
    const hasChild = new Uint8Array(C);
    for (let c = 1; c < C; c++) hasChild[parentOf[c]] = 1;
    for (let c = 1; c < C; c++) flagged[c] = hasChild[c] ? 0 : 1;
  } else {
    const best = Float64Array.from(stability);
    const childSum = new Float64Array(C);
    for (let c = C - 1; c >= 1; c--) {
      // children have larger numbers than their parent, so childSum[c] is complete here
      if (childSum[c] > best[c]) best[c] = childSum[c];
      else flagged[c] = 1;
      childSum[parentOf[c]] += best[c];
    }
  }
  // a flagged cluster is selected unless an ancestor is (top-down, parents first)
  const selected = new Uint8Array(C);
  const hidden = new Uint8Array(C);
  for (let c = 1; c < C; c++) {
    const p = parentOf[c];
    hidden[c] = hidden[p] | selected[p];
    selected[c] = flagged[c] & (hidden[c] ^ 1);
  }
  return selected;
}

/**
 * Flat clusters from the condensed tree: labels numbered by cluster (clusters nearer the root
 * first), −1 for points that fall out of no selected cluster; probabilities and outlier scores as
 * McInnes's hdbscan: a member's probability is min(λ_p, λ_max) / λ_max with λ_max the largest λ
 * among the cluster's children; GLOSH (Campello et al. 2015) is 1 − λ_p / λ_max with λ_max the
 * largest λ anywhere below the cluster the point fell out of.
 */
export function extractClusters(tree: CondensedTree, n: number, method: ClusterSelection): Extraction {
  const C = tree.clusters;
  const stability = stabilities(tree, n);
  const selected = C > 0 ? select(tree, n, method, stability) : new Uint8Array(0);
  const clusterLabel = new Int32Array(C).fill(-1);
  let k = 0;
  const stabilitiesOut: number[] = [];
  for (let c = 0; c < C; c++)
    if (selected[c]) {
      clusterLabel[c] = k++;
      stabilitiesOut.push(stability[c]);
    }
  // owner[c]: the selected cluster at or above c (−1: none)
  const parentOf = new Int32Array(C).fill(-1);
  for (let e = 0; e < tree.child.length; e++) if (tree.child[e] >= n) parentOf[tree.child[e] - n] = tree.parent[e] - n;
  const owner = new Int32Array(C).fill(-1);
  for (let c = 0; c < C; c++) owner[c] = selected[c] ? c : c > 0 ? owner[parentOf[c]] : -1;
  // largest λ of each cluster's direct children, and below it
  const deaths = new Float64Array(C);
  for (let e = 0; e < tree.child.length; e++) {
    const p = tree.parent[e] - n;
    if (tree.lambda[e] > deaths[p]) deaths[p] = tree.lambda[e];
  }
  const deepest = Float64Array.from(deaths);
  for (let c = C - 1; c >= 1; c--) if (deepest[c] > deepest[parentOf[c]]) deepest[parentOf[c]] = deepest[c];
  const labels = new Int32Array(n).fill(-1);
  const probabilities = new Float64Array(n);
  const outlierScores = new Float64Array(n);
  for (let e = 0; e < tree.child.length; e++) {
    const p = tree.child[e];
    if (p >= n) continue;
    const from = tree.parent[e] - n;
    const l = tree.lambda[e];
    const top = deepest[from];
    outlierScores[p] = top === 0 || !Number.isFinite(l) ? 0 : (top - l) / top;
    const o = owner[from];
    if (o < 0) continue;
    labels[p] = clusterLabel[o];
    const max = deaths[o];
    probabilities[p] = max === 0 || !Number.isFinite(l) ? 1 : Math.min(l, max) / max;
  }
  return { labels, probabilities, outlierScores, stabilities: Float64Array.from(stabilitiesOut) };
}
