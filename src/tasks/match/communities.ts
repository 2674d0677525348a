import { UsageError } from '../../errors.js';
import type { SimilarPair } from './paraphrase-mining.js';

/**
 * Groups of duplicates: the connected components (size ≥ 2) of the graph whose edges are `pairs`
 * (union–find). Each group is sorted, groups by their first member.
 */
export function duplicateGroups(n: number, pairs: readonly SimilarPair[]): number[][] {
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) x = parent[x] = parent[parent[x]];
    return x;
  };
  for (const { a, b } of pairs) {
    if (a < 0 || b < 0 || a >= n || b >= n) throw new UsageError(`pair (${a}, ${b}) is outside 0..${n - 1}`);
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const r = find(i);
    let g = groups.get(r);
    if (!g) groups.set(r, (g = []));
    g.push(i);
  }
  return [...groups.values()].filter((g) => g.length > 1).sort((x, y) => x[0] - y[0]);
}

/**
 * Community detection in the manner of sentence-transformers' `community_detection` (fast
 * clustering): rows with the most neighbours above the threshold become centres, each taking its
 * not yet assigned neighbours; communities smaller than `minSize` are dropped. Unlike connected
 * components, a community is a star around its centre, so chains of weak links do not merge topics.
 * Communities are sorted by size (largest first), members by row.
 */
export function communities(n: number, pairs: readonly SimilarPair[], minSize = 2): number[][] {
  if (!Number.isInteger(minSize) || minSize < 1) throw new UsageError(`minSize must be a positive integer, got ${minSize}`);
  const adjacency: number[][] = Array.from({ length: n }, () => []);
  for (const { a, b } of pairs) {
    if (a < 0 || b < 0 || a >= n || b >= n) throw new UsageError(`pair (${a}, ${b}) is outside 0..${n - 1}`);
    adjacency[a].push(b);
    adjacency[b].push(a);
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => adjacency[y].length - adjacency[x].length || x - y);
  const taken = new Uint8Array(n);
  const out: number[][] = [];
  for (const c of order) {
    if (taken[c] || adjacency[c].length + 1 < minSize) continue;
    const members = [c, ...adjacency[c].filter((j) => !taken[j])];
    if (members.length < minSize) continue;
    for (const m of members) taken[m] = 1;
    out.push(members.sort((x, y) => x - y));
  }
  return out.sort((x, y) => y.length - x.length || x[0] - y[0]);
}
