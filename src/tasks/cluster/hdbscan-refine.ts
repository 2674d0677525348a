import { createIndex } from '../../ann/index.js';
import { Random } from '../../learn/random.js';
import type { Matrix } from '../../math/matrix.js';
import type { CondensedTree } from './condensed-tree.js';
import type { KnnGraph } from './knn-graph.js';
import { kruskal, type SpanningTree } from './reachability-mst.js';
import { rowDistance } from './row-distance.js';
import { UnionFind } from './union-find.js';

/** The leaf cluster of each point of the condensed tree (−1: it fell out of an inner cluster). */
export function leafGroups(tree: CondensedTree, n: number): { group: Int32Array; groups: number } {
  const hasChild = new Uint8Array(tree.clusters);
  for (let e = 0; e < tree.child.length; e++) if (tree.child[e] >= n) hasChild[tree.parent[e] - n] = 1;
  const leafIndex = new Int32Array(tree.clusters).fill(-1);
  let groups = 0;
  // the root is a leaf only when nothing split: then there is nothing to join
  for (let c = 1; c < tree.clusters; c++) if (!hasChild[c]) leafIndex[c] = groups++;
  const group = new Int32Array(n).fill(-1);
  for (let e = 0; e < tree.child.length; e++) if (tree.child[e] < n) group[tree.child[e]] = leafIndex[tree.parent[e] - n];
  return { group, groups };
}

/**
 * Greedy walk on the kNN graph from `from` towards `target`, staying on points whose set is
 * `set`: moves to the neighbour with the smallest max(core, distance to the target) — the mutual
 * reachability to the target, up to the target's own core distance — while that improves.
 */
function descendWithin(
  x: Matrix,
  graph: KnnGraph,
  core: Float64Array,
  setOf: (p: number) => number,
  set: number,
  from: number,
  target: number,
): number {
  let at = from;
  let best = Math.max(core[at], rowDistance(x, at, target));
  for (;;) {
    let next = at;
    for (let p = 0; p < graph.k; p++) {
      const j = graph.ids[at * graph.k + p];
      if (setOf(j) !== set) continue;
      const d = Math.max(core[j], rowDistance(x, j, target));
      if (d < best) {
        best = d;
        next = j;
      }
    }
    if (next === at) return at;
    at = next;
  }
}

const REPRESENTATIVES = 32;

/**
 * Edges between the leaf clusters of the condensed tree, Borůvka-style over the leaves: each round,
 * up to 32 seeded random members of each group of joined leaves go into a small index; each
 * representative's nearest representative of another group gives a pair, refined by alternating
 * greedy walks inside the two groups ({@link descendWithin}); each group's lightest edge joins it to
 * another, until one group remains. Every pair found is returned as a candidate edge (weights:
 * mutual reachability distances), not only the lightest ones.
 */
async function leafJoinCandidates(
  x: Matrix,
  graph: KnnGraph,
  core: Float64Array,
  group: Int32Array,
  groups: number,
  rng: Random,
  threads: number | undefined,
): Promise<{ a: number[]; b: number[]; w: number[] }> {
  const n = x.rows;
  const membersOf: number[][] = Array.from({ length: groups }, () => []);
  for (let i = 0; i < n; i++) if (group[i] >= 0) membersOf[group[i]].push(i);
  const sets = new UnionFind(groups);
  const setOf = (p: number) => (group[p] < 0 ? -1 : sets.find(group[p]));
  const out = { a: [] as number[], b: [] as number[], w: [] as number[] };
  for (let alive = groups; alive > 1;) {
    const bySet = new Map<number, number[]>();
    for (let g = 0; g < groups; g++) {
      const s = sets.find(g);
      const list = bySet.get(s);
      if (list) list.push(...membersOf[g]);
      else bySet.set(s, membersOf[g].slice());
    }
    const reps: number[] = [];
    for (const list of bySet.values())
      for (let s = 0; s < Math.min(REPRESENTATIVES, list.length); s++) {
        const j = s + rng.int(list.length - s); // partial Fisher–Yates
        [list[s], list[j]] = [list[j], list[s]];
        reps.push(list[s]);
      }
    const m = reps.length;
    const data = new Float32Array(m * x.dim);
    reps.forEach((r, t) => data.set(x.data.subarray(r * x.dim, (r + 1) * x.dim), t * x.dim));
    const common = { metric: 'l2' as const, dim: x.dim, capacity: m, threads };
    const index =
      m <= 4096 ? createIndex({ ...common, type: 'flat', quantize: 'none' }) : createIndex({ ...common, type: 'hnsw', seed: 1 });
    const reps32 = { rows: m, dim: x.dim, data };
    await index.add(
      Array.from({ length: m }, (_, t) => t),
      reps32,
    );
    const k = Math.min(m, REPRESENTATIVES + 1); // at most 32 hits come from the query's own group
    const hits = await index.searchBatch(reps32, k, { ef: Math.max(64, 2 * k), withMetadata: false });
    const lightest = new Map<number, { a: number; b: number; w: number }>();
    hits.forEach((list, t) => {
      const p = reps[t];
      const sp = setOf(p);
      const other = list.find((h) => setOf(reps[h.id as number]) !== sp);
      if (!other) return;
      let q = reps[other.id as number];
      const sq = setOf(q);
      let a = descendWithin(x, graph, core, setOf, sp, p, q);
      q = descendWithin(x, graph, core, setOf, sq, q, a);
      a = descendWithin(x, graph, core, setOf, sp, a, q);
      const w = Math.max(core[a], core[q], rowDistance(x, a, q));
      out.a.push(a);
      out.b.push(q);
      out.w.push(w);
      const cur = lightest.get(sp);
      if (!cur || w < cur.w) lightest.set(sp, { a, b: q, w });
    });
    let joined = 0;
    for (const e of lightest.values()) if (sets.union(group[e.a], group[e.b])) joined++;
    if (joined === 0) break; // cannot happen: every group has a nearest other group
    alive -= joined;
  }
  return out;
}

/**
 * Improves a spanning tree built from kNN edges where it matters for HDBSCAN: the kNN graph holds
 * every short edge, but two dense clusters are often linked in it only through sparse noise points
 * (heavy edges), while the exact tree links them directly by a lighter edge that no point has among
 * its k nearest. That makes a group of clusters appear too early (at too large a distance) in the
 * hierarchy, inflates its stability, and excess of mass then keeps the group instead of its
 * clusters. The leaves of the condensed tree are joined by {@link leafJoinCandidates} and the tree
 * is rebuilt by Kruskal over its own edges plus those candidates: every candidate is a real edge,
 * so the total weight can only go down, towards the exact tree.
 */
export async function refineBetweenLeaves(
  x: Matrix,
  graph: KnnGraph,
  core: Float64Array,
  tree: SpanningTree,
  condensed: CondensedTree,
  options: { seed: number; threads?: number },
): Promise<SpanningTree> {
  const n = x.rows;
  const { group, groups } = leafGroups(condensed, n);
  if (groups < 2) return tree;
  const c = await leafJoinCandidates(x, graph, core, group, groups, new Random(options.seed + 1), options.threads);
  const m = tree.a.length;
  const a = new Int32Array(m + c.a.length);
  const b = new Int32Array(m + c.a.length);
  const w = new Float64Array(m + c.a.length);
  a.set(tree.a);
  b.set(tree.b);
  w.set(tree.weight);
  a.set(c.a, m);
  b.set(c.b, m);
  w.set(c.w, m);
  return { ...kruskal(n, a, b, w), joinRounds: tree.joinRounds };
}
