import { createIndex } from '../../ann/index.js';
import { AbortError, UsageError } from '../../errors.js';
import type { Matrix } from '../../math/matrix.js';
import { checkRows } from './input.js';

/** Options of {@link dbscan}. */
export interface DbscanOptions {
  /** Neighbourhood radius (Euclidean distance). */
  eps: number;
  /** Points (itself included) within eps that make a core point. Default 5. */
  minSamples?: number;
  /**
   * Neighbours fetched per point from the HNSW index; an eps-neighbourhood larger than this is
   * truncated to its nearest `maxNeighbors` (enough for the core test whenever ≥ minSamples).
   * Default max(32, 2 · minSamples).
   */
  maxNeighbors?: number;
  /** Worker threads of the index build and searches. Default: the index's (available cores). */
  threads?: number;
  /** Seed of the HNSW level draws. Default 0. */
  seed?: number;
  signal?: AbortSignal;
}

/** What {@link dbscan} returns. */
export interface DbscanResult {
  /** Cluster of each row, -1 for noise. */
  labels: Int32Array;
  clusters: number;
  noise: number;
  seconds: number;
}

const CHUNK = 4096;

function find(parent: Int32Array, i: number): number {
  while (parent[i] !== i) {
    parent[i] = parent[parent[i]];
    i = parent[i];
  }
  return i;
}

/**
 * DBSCAN (Ester et al. 1996) with neighbourhoods from an HNSW index instead of an n × n distance
 * matrix: every row's `maxNeighbors` nearest rows are fetched in chunks (memory n × maxNeighbors
 * ids), a row with ≥ minSamples of them within eps is a core point, core points within eps of each
 * other are joined (union–find), and a border point joins the cluster of its nearest core
 * neighbour. Equal to exact DBSCAN when the index finds the true neighbours and no
 * eps-neighbourhood exceeds maxNeighbors; clusters are numbered by their first row.
 */
export async function dbscan(x: Matrix, options: DbscanOptions): Promise<DbscanResult> {
  const t0 = performance.now();
  checkRows(x, 'DBSCAN');
  const { eps } = options;
  const minSamples = options.minSamples ?? 5;
  if (!(eps > 0 && Number.isFinite(eps))) throw new UsageError(`DBSCAN: eps must be a finite number > 0, got ${eps}`);
  if (!(Number.isInteger(minSamples) && minSamples >= 1))
    throw new UsageError(`DBSCAN: minSamples must be an integer ≥ 1, got ${minSamples}`);
  const n = x.rows;
  const K = Math.min(n, options.maxNeighbors ?? Math.max(32, 2 * minSamples));
  if (K < minSamples) throw new UsageError(`DBSCAN: maxNeighbors (${K}) must be ≥ minSamples (${minSamples})`);
  const index = createIndex({
    type: 'hnsw',
    metric: 'l2',
    dim: x.dim,
    capacity: n,
    seed: options.seed ?? 0,
    threads: options.threads,
    efConstruction: 100,
  });
  await index.add(
    Array.from({ length: n }, (_, i) => i),
    x,
  );
  const eps2 = eps * eps;
  // neighbours within eps, nearest first: ids in a fixed n × K table, counts per row
  const near = new Int32Array(n * K);
  const count = new Int32Array(n);
  for (let start = 0; start < n; start += CHUNK) {
    if (options.signal?.aborted) throw new AbortError('DBSCAN aborted');
    const end = Math.min(n, start + CHUNK);
    const hits = await index.searchBatch({ data: x.data.subarray(start * x.dim, end * x.dim), rows: end - start, dim: x.dim }, K, {
      ef: Math.max(64, K),
      withMetadata: false,
    });
    hits.forEach((list, q) => {
      const i = start + q;
      let c = 0;
      for (const h of list) if (h.distance <= eps2) near[i * K + c++] = h.id as number;
      count[i] = c;
    });
  }
  const core = Uint8Array.from(count, (c) => (c >= minSamples ? 1 : 0));
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < n; i++) {
    if (!core[i]) continue;
    for (let p = 0; p < count[i]; p++) {
      const j = near[i * K + p];
      if (!core[j]) continue;
      const a = find(parent, i);
      const b = find(parent, j);
      if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
    }
  }
  const labels = new Int32Array(n).fill(-1);
  const clusterOf = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    let root = -1;
    if (core[i]) root = find(parent, i);
    else
      for (let p = 0; p < count[i]; p++) {
        const j = near[i * K + p];
        if (core[j]) {
          root = find(parent, j);
          break;
        }
      }
    if (root < 0) continue;
    let c = clusterOf.get(root);
    if (c === undefined) clusterOf.set(root, (c = clusterOf.size));
    labels[i] = c;
  }
  let noise = 0;
  for (const l of labels) if (l < 0) noise++;
  return { labels, clusters: clusterOf.size, noise, seconds: (performance.now() - t0) / 1000 };
}
