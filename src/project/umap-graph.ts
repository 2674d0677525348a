import type { NeighborGraph } from '../ann/neighbor-graph.js';
import { symmetrize, type Csr } from './sparse.js';

const SMOOTH_K_TOLERANCE = 1e-5;
const MIN_K_DIST_SCALE = 1e-3;

/**
 * UMAP's fuzzy simplicial set of the kNN graph (McInnes, Healy & Melville 2018, §3.1 and
 * umap-learn's smooth_knn_dist / compute_membership_strengths with local_connectivity 1):
 * ρ_i is the distance to the nearest neighbour, σ_i solves Σ_j exp(−max(0, d_ij − ρ_i)/σ_i) =
 * log2(neighbors) by bisection (64 steps), floored at 1e-3 of the mean distance; memberships
 * exp(−max(0, d_ij − ρ_i)/σ_i) are combined by the fuzzy union a + b − a·b. `neighbors` counts the
 * row itself, as umap-learn's n_neighbors (the graph holds neighbors − 1 others).
 */
export function fuzzySimplicialSet(graph: NeighborGraph, neighbors: number): Csr {
  const { n, k, ids, dist2 } = graph;
  const dist = new Float64Array(n * k);
  let total = 0;
  for (let e = 0; e < n * k; e++) {
    dist[e] = Math.sqrt(dist2[e]);
    total += dist[e];
  }
  const meanAll = total / (n * k);
  const target = Math.log2(neighbors);
  const memberships = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    const base = i * k;
    let rho = 0;
    let rowSum = 0;
    for (let j = 0; j < k; j++) {
      const d = dist[base + j];
      rowSum += d;
      if (d > 0 && (rho === 0 || d < rho)) rho = d;
    }
    let lo = 0;
    let hi = Infinity;
    let mid = 1;
    for (let step = 0; step < 64; step++) {
      let psum = 0;
      for (let j = 0; j < k; j++) {
        const d = dist[base + j] - rho;
        psum += d > 0 ? Math.exp(-d / mid) : 1;
      }
      if (Math.abs(psum - target) < SMOOTH_K_TOLERANCE) break;
      if (psum > target) {
        hi = mid;
        mid = (lo + hi) / 2;
      } else {
        lo = mid;
        mid = hi === Infinity ? mid * 2 : (lo + hi) / 2;
      }
    }
    const floor = MIN_K_DIST_SCALE * (rho > 0 ? rowSum / k : meanAll);
    const sigma = Math.max(mid, floor);
    for (let j = 0; j < k; j++) {
      const d = dist[base + j] - rho;
      memberships[base + j] = d <= 0 || sigma === 0 ? 1 : Math.exp(-d / sigma);
    }
  }
  return symmetrize(n, k, ids, memberships, (a, b) => a + b - a * b);
}
