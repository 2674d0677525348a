import { AbortError } from '../../errors.js';
import type { Matrix } from '../../math/matrix.js';
import type { SpanningTree } from './reachability-mst.js';
import { rowDistance as distance } from './row-distance.js';
import { sortedOrder } from './sort-weights.js';

/** Rows scanned between two returns to the event loop (each row is one O(n·dim) pass). */
const YIELD_EVERY = 64;

async function pause(signal: AbortSignal | undefined): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  if (signal?.aborted) throw new AbortError('HDBSCAN aborted');
}

/**
 * Exact core distances by an all-pairs scan in float64 (as R's dbscan and scikit-learn compute
 * them): each row's distance to its (minSamples − 1)-th nearest other row. O(n²·dim) time, O(n ·
 * minSamples) memory — for small sets and as the reference of the approximate path. Returns to
 * the event loop every 64 rows.
 */
export async function exactCoreDistances(x: Matrix, minSamples: number, signal?: AbortSignal): Promise<Float64Array> {
  const n = x.rows;
  const core = new Float64Array(n);
  const k = minSamples - 1;
  if (k < 1) return core;
  const heap = new Float64Array(k); // max-heap of the k smallest distances seen
  for (let i = 0; i < n; i++) {
    if (i % YIELD_EVERY === 0) await pause(signal);
    let size = 0;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const d = distance(x, i, j);
      if (size < k) {
        // sift up
        let c = size++;
        heap[c] = d;
        while (c > 0) {
          const p = (c - 1) >> 1;
          if (heap[p] >= heap[c]) break;
          [heap[p], heap[c]] = [heap[c], heap[p]];
          c = p;
        }
      } else if (d < heap[0]) {
        heap[0] = d;
        for (let c = 0; ;) {
          const l = 2 * c + 1;
          if (l >= k) break;
          const m = l + 1 < k && heap[l + 1] > heap[l] ? l + 1 : l;
          if (heap[m] <= heap[c]) break;
          [heap[m], heap[c]] = [heap[c], heap[m]];
          c = m;
        }
      }
    }
    core[i] = heap[0];
  }
  return core;
}

/**
 * Exact minimum spanning tree of the mutual reachability distances max(core(i), core(j), d(i, j))
 * over all pairs, by Prim's algorithm on the implicit complete graph (the `prims` of R's dbscan):
 * O(n²·dim) time, O(n) memory, no n × n matrix. Edges sorted by weight (stable in Prim's order).
 */
export async function exactReachabilityTree(x: Matrix, core: Float64Array, signal?: AbortSignal): Promise<SpanningTree> {
  const n = x.rows;
  const inTree = new Uint8Array(n);
  const best = new Float64Array(n).fill(Infinity);
  const from = new Int32Array(n).fill(-1);
  const a = new Int32Array(Math.max(0, n - 1));
  const b = new Int32Array(Math.max(0, n - 1));
  const w = new Float64Array(Math.max(0, n - 1));
  let at = 0;
  inTree[0] = 1;
  for (let t = 0; t < n - 1; t++) {
    if (t % YIELD_EVERY === 0) await pause(signal);
    let next = -1;
    let nextW = Infinity;
    for (let j = 0; j < n; j++) {
      if (inTree[j]) continue;
      const m = Math.max(core[at], core[j], distance(x, at, j));
      if (m < best[j]) {
        best[j] = m;
        from[j] = at;
      }
      if (best[j] < nextW || next < 0) {
        nextW = best[j];
        next = j;
      }
    }
    inTree[next] = 1;
    a[t] = from[next];
    b[t] = next;
    w[t] = nextW;
    at = next;
  }
  const order = sortedOrder(w);
  return {
    a: Int32Array.from(order, (e) => a[e]),
    b: Int32Array.from(order, (e) => b[e]),
    weight: Float64Array.from(order, (e) => w[e]),
    joinRounds: 0,
  };
}
