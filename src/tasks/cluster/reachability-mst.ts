import { createIndex } from '../../ann/index.js';
import { Random } from '../../learn/random.js';
import type { Matrix } from '../../math/matrix.js';
import type { KnnGraph } from './knn-graph.js';
import { rowDistance as distance } from './row-distance.js';
import { sortedOrder } from './sort-weights.js';
import { UnionFind } from './union-find.js';

/** A spanning tree as n − 1 edges sorted by weight (ascending, ties in a fixed order). */
export interface SpanningTree {
  a: Int32Array;
  b: Int32Array;
  weight: Float64Array;
  /** Rounds of component joining that were needed (0: the kNN graph was connected). */
  joinRounds: number;
}

/** Core distance of each row: the distance to its (minSamples − 1)-th nearest other row. */
export function coreDistances(graph: KnnGraph, minSamples: number): Float64Array {
  const n = graph.ids.length / graph.k;
  const core = new Float64Array(n);
  if (minSamples > 1) for (let i = 0; i < n; i++) core[i] = graph.distances[i * graph.k + minSamples - 2];
  return core;
}

/** Kruskal over candidate edges: the minimum spanning forest, its edges sorted by weight. */
export function kruskal(n: number, a: Int32Array, b: Int32Array, w: Float64Array): { a: Int32Array; b: Int32Array; weight: Float64Array } {
  const order = sortedOrder(w);
  const sets = new UnionFind(n);
  const ta: number[] = [];
  const tb: number[] = [];
  const tw: number[] = [];
  for (let t = 0; t < order.length && ta.length < n - 1; t++) {
    const e = order[t];
    if (sets.union(a[e], b[e])) {
      ta.push(a[e]);
      tb.push(b[e]);
      tw.push(w[e]);
    }
  }
  return { a: Int32Array.from(ta), b: Int32Array.from(tb), weight: Float64Array.from(tw) };
}

/**
 * Walks the kNN graph from `from` towards `target`: moves to the neighbour closest to the target
 * while that is closer than where it stands (the greedy descent of graph-based search). The walk
 * stays inside from's component, since kNN edges never leave it.
 */
function descend(x: Matrix, graph: KnnGraph, from: number, target: number): number {
  let at = from;
  let best = distance(x, at, target);
  for (;;) {
    let next = at;
    for (let p = 0; p < graph.k; p++) {
      const j = graph.ids[at * graph.k + p];
      const d = distance(x, j, target);
      if (d < best) {
        best = d;
        next = j;
      }
    }
    if (next === at) return at;
    at = next;
  }
}

const REPRESENTATIVES = 8;

/**
 * Candidate edges between the components of a spanning forest, Borůvka-style: every component
 * gets at least one edge to another. Up to 8 seeded random members of each component are put in
 * a small index of representatives; each representative's nearest representative of another
 * component gives a pair, refined by two alternating greedy walks on the kNN graph (each end moves
 * to the member of its component nearest the other end). Weights are mutual reachability
 * distances. Approximate — the exact closest pair may be missed — but the components are joined
 * with a short edge at the top of the hierarchy, where HDBSCAN only needs the merge order.
 */
async function joinCandidates(
  x: Matrix,
  graph: KnnGraph,
  core: Float64Array,
  sets: UnionFind,
  rng: Random,
  threads: number | undefined,
): Promise<{ a: number[]; b: number[]; w: number[] }> {
  const n = x.rows;
  const members = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const r = sets.find(i);
    let list = members.get(r);
    if (!list) members.set(r, (list = []));
    list.push(i);
  }
  const reps: number[] = [];
  for (const list of members.values()) {
    for (let s = 0; s < Math.min(REPRESENTATIVES, list.length); s++) {
      const j = s + rng.int(list.length - s); // partial Fisher–Yates
      [list[s], list[j]] = [list[j], list[s]];
      reps.push(list[s]);
    }
  }
  const m = reps.length;
  const data = new Float32Array(m * x.dim);
  reps.forEach((r, t) => data.set(x.data.subarray(r * x.dim, (r + 1) * x.dim), t * x.dim));
  const common = { metric: 'l2' as const, dim: x.dim, capacity: m, threads };
  const index = m <= 4096 ? createIndex({ ...common, type: 'flat', quantize: 'none' }) : createIndex({ ...common, type: 'hnsw', seed: 1 });
  const reps32 = { rows: m, dim: x.dim, data };
  await index.add(
    Array.from({ length: m }, (_, t) => t),
    reps32,
  );
  const k = Math.min(m, REPRESENTATIVES + 1); // at most 8 hits come from the query's own component
  const hits = await index.searchBatch(reps32, k, { ef: Math.max(64, 2 * k), withMetadata: false });
  const out = { a: [] as number[], b: [] as number[], w: [] as number[] };
  hits.forEach((list, t) => {
    const p = reps[t];
    const other = list.find((h) => sets.find(reps[h.id as number]) !== sets.find(p));
    if (!other) return;
    let q = reps[other.id as number];
    let a = descend(x, graph, p, q);
    q = descend(x, graph, q, a);
    a = descend(x, graph, a, q);
    out.a.push(a);
    out.b.push(q);
    out.w.push(Math.max(core[a], core[q], distance(x, a, q)));
  });
  return out;
}

/**
 * Minimum spanning tree of the mutual reachability graph restricted to the kNN edges
 * (McInnes & Healy 2017 build it from exact neighbours with Borůvka; here the neighbours come from
 * the index): edge weight max(core(i), core(j), d(i, j)), Kruskal over the n · k edges. When the
 * kNN graph is not connected (well-separated clusters usually are not), the forest's components
 * are joined by {@link joinCandidates} rounds until one tree remains.
 */
export async function reachabilityTree(
  x: Matrix,
  graph: KnnGraph,
  core: Float64Array,
  options: { seed: number; threads?: number },
): Promise<SpanningTree> {
  const n = x.rows;
  const { k } = graph;
  const a = new Int32Array(n * k);
  const b = new Int32Array(n * k);
  const w = new Float64Array(n * k);
  for (let i = 0; i < n; i++)
    for (let p = 0; p < k; p++) {
      const e = i * k + p;
      const j = graph.ids[e];
      a[e] = i;
      b[e] = j;
      w[e] = Math.max(core[i], core[j], graph.distances[e]);
    }
  let tree = kruskal(n, a, b, w);
  const rng = new Random(options.seed);
  let rounds = 0;
  while (tree.a.length < n - 1) {
    rounds++;
    const sets = new UnionFind(n);
    for (let t = 0; t < tree.a.length; t++) sets.union(tree.a[t], tree.b[t]);
    const c = await joinCandidates(x, graph, core, sets, rng, options.threads);
    if (c.a.length === 0) {
      // cannot happen with a working index; join the components in a chain rather than loop
      let prev = -1;
      for (let i = 0; i < n; i++)
        if (sets.find(i) === i) {
          if (prev >= 0) {
            c.a.push(prev);
            c.b.push(i);
            c.w.push(Math.max(core[prev], core[i], distance(x, prev, i)));
          }
          prev = i;
        }
    }
    const m = tree.a.length;
    const na = new Int32Array(m + c.a.length);
    const nb = new Int32Array(m + c.a.length);
    const nw = new Float64Array(m + c.a.length);
    na.set(tree.a);
    nb.set(tree.b);
    nw.set(tree.weight);
    na.set(c.a, m);
    nb.set(c.b, m);
    nw.set(c.w, m);
    tree = kruskal(n, na, nb, nw);
  }
  return { ...tree, joinRounds: rounds };
}
