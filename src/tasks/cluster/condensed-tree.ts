import type { Dendrogram } from './single-linkage.js';

/**
 * HDBSCAN's condensed tree (Campello et al. 2013, McInnes's `condense_tree`): edges parent → child
 * with λ = 1 / distance at which the child left the parent. Clusters are numbered n, n + 1, …
 * (n is the root, children after their parents); a child < n is a point falling out.
 */
export interface CondensedTree {
  parent: Int32Array;
  child: Int32Array;
  lambda: Float64Array;
  childSize: Int32Array;
  /** Number of clusters (root included). */
  clusters: number;
}

/**
 * Walks the dendrogram from the top: at each merge a side with ≥ minClusterSize points is a
 * cluster, a smaller side's points fall out of the current cluster at this λ. When both sides are
 * large the cluster splits into two new ones; when one is, that side continues the cluster.
 * Nodes are visited by decreasing number, which puts every parent before its children; each
 * point is emitted once, so time and memory are O(n).
 */
export function condenseTree(tree: Dendrogram, n: number, minClusterSize: number): CondensedTree {
  const m = n - 1;
  const parent = new Int32Array(2 * n);
  const child = new Int32Array(2 * n);
  const lambda = new Float64Array(2 * n);
  const childSize = new Int32Array(2 * n);
  let edges = 0;
  const emit = (p: number, c: number, l: number, s: number) => {
    parent[edges] = p;
    child[edges] = c;
    lambda[edges] = l;
    childSize[edges++] = s;
  };
  const label = new Int32Array(m).fill(-1); // dendrogram node → its cluster; -1: fallen out
  let next = n;
  if (m > 0) label[m - 1] = next++;
  const stack: number[] = [];
  const fallOut = (node: number, cluster: number, l: number) => {
    stack.push(node);
    while (stack.length > 0) {
      const v = stack.pop() as number;
      if (v < n) emit(cluster, v, l, 1);
      else stack.push(tree.right[v - n], tree.left[v - n]);
    }
  };
  const sizeOf = (node: number) => (node < n ? 1 : tree.size[node - n]);
  for (let t = m - 1; t >= 0; t--) {
    const cluster = label[t];
    if (cluster < 0) continue;
    const h = tree.height[t];
    const l = h > 0 ? 1 / h : Infinity;
    const left = tree.left[t];
    const right = tree.right[t];
    const bigLeft = sizeOf(left) >= minClusterSize;
    const bigRight = sizeOf(right) >= minClusterSize;
    if (bigLeft && bigRight) {
      for (const side of [left, right]) {
        const c = next++;
        emit(cluster, c, l, sizeOf(side));
        if (side >= n) label[side - n] = c;
      }
    } else {
      for (const side of [left, right]) {
        const big = side === left ? bigLeft : bigRight;
        if (big) {
          if (side >= n) label[side - n] = cluster;
        } else fallOut(side, cluster, l);
      }
    }
  }
  return {
    parent: parent.slice(0, edges),
    child: child.slice(0, edges),
    lambda: lambda.slice(0, edges),
    childSize: childSize.slice(0, edges),
    clusters: next - n,
  };
}
