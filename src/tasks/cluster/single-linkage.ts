import type { SpanningTree } from './reachability-mst.js';
import { UnionFind } from './union-find.js';

/**
 * A single-linkage dendrogram in scipy's layout: merge t joins nodes `left[t]` and `right[t]` at
 * `height[t]` into node n + t holding `size[t]` points; nodes < n are the points.
 */
export interface Dendrogram {
  left: Int32Array;
  right: Int32Array;
  height: Float64Array;
  size: Int32Array;
}

/** Single linkage from a spanning tree whose edges are sorted by weight (each edge is one merge). */
export function singleLinkage(tree: SpanningTree, n: number): Dendrogram {
  const m = n - 1;
  const left = new Int32Array(m);
  const right = new Int32Array(m);
  const size = new Int32Array(m);
  const sets = new UnionFind(n);
  const nodeOf = Int32Array.from({ length: n }, (_, i) => i); // set root → its current dendrogram node
  const sizeOf = (node: number) => (node < n ? 1 : size[node - n]);
  for (let t = 0; t < m; t++) {
    const ra = sets.find(tree.a[t]);
    const rb = sets.find(tree.b[t]);
    const na = nodeOf[ra];
    const nb = nodeOf[rb];
    left[t] = Math.min(na, nb);
    right[t] = Math.max(na, nb);
    size[t] = sizeOf(na) + sizeOf(nb);
    sets.union(ra, rb);
    nodeOf[sets.find(ra)] = n + t;
  }
  return { left, right, height: Float64Array.from(tree.weight), size };
}
