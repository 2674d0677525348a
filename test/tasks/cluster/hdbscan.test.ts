import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { adjustedRandIndex } from '../../../src/evaluate/clustering-metrics.js';
import { hdbscan } from '../../../src/tasks/cluster/hdbscan.js';
import { knnGraph } from '../../../src/tasks/cluster/knn-graph.js';
import { condenseTree } from '../../../src/tasks/cluster/condensed-tree.js';
import { exactCoreDistances, exactReachabilityTree } from '../../../src/tasks/cluster/exact-mst.js';
import { extractClusters } from '../../../src/tasks/cluster/hdbscan-extract.js';
import { refineBetweenLeaves } from '../../../src/tasks/cluster/hdbscan-refine.js';
import { coreDistances, reachabilityTree, type SpanningTree } from '../../../src/tasks/cluster/reachability-mst.js';
import { singleLinkage } from '../../../src/tasks/cluster/single-linkage.js';
import { Random } from '../../../src/learn/random.js';
import { ROOT } from '../../helpers/paths.js';
import { blobs } from './blobs.js';

const fixture = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/cluster/hdbscan-r.json'), 'utf8')) as {
  minPts: number;
  dim: number;
  x: number[];
  labels: number[];
};
const rx = { rows: fixture.x.length / fixture.dim, dim: fixture.dim, data: Float32Array.from(fixture.x) };
const rLabels = fixture.labels.map((l) => l - 1); // R: 0 is noise, clusters from 1

/** The same partition and the same noise points, whatever the cluster numbers. */
function samePartition(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  const map = new Map<number, number>();
  const back = new Map<number, number>();
  for (let i = 0; i < a.length; i++) {
    if (a[i] < 0 !== b[i] < 0) return false;
    if (a[i] < 0) continue;
    if ((map.get(a[i]) ?? b[i]) !== b[i] || (back.get(b[i]) ?? a[i]) !== a[i]) return false;
    map.set(a[i], b[i]);
    back.set(b[i], a[i]);
  }
  return true;
}

describe('hdbscan', () => {
  it("gives R dbscan::hdbscan's clusters and noise on an exact graph, and nearly so on the HNSW one", async () => {
    const clusters = new Set(rLabels.filter((l) => l >= 0)).size;
    expect(clusters).toBeGreaterThanOrEqual(3); // precondition: several clusters and some noise
    expect(rLabels.filter((l) => l < 0).length).toBeGreaterThan(10);
    const m = fixture.minPts;
    const exact = await hdbscan(rx, { minClusterSize: m, minSamples: m, exact: true, threads: 1 });
    expect(exact.joinRounds).toBe(0);
    expect(exact.clusters).toBe(clusters);
    expect(samePartition(exact.labels, rLabels)).toBe(true);
    const approx = await hdbscan(rx, { minClusterSize: m, minSamples: m, threads: 1 });
    expect(approx.clusters).toBe(clusters);
    expect(adjustedRandIndex(rLabels, approx.labels)).toBeGreaterThan(0.95);
  });

  it("builds the spanning tree whose merge heights are scipy's single linkage on the mutual reachability matrix", async () => {
    const { x } = blobs(300, 3, 3, 5, 12);
    const k = 7; // minSamples: the point itself and 6 others
    const graph = await knnGraph(x, x.rows - 1, { exact: true, threads: 1, what: 'test' });
    const core = coreDistances(graph, k);
    const tree = await reachabilityTree(x, graph, core, { seed: 0 });
    const py = `
import sys, json, numpy as np
from scipy.spatial.distance import pdist, squareform
from scipy.cluster.hierarchy import linkage
x = np.array(json.load(sys.stdin), dtype=np.float32).astype(np.float64).reshape(-1, 3)
d = squareform(pdist(x))
core = np.sort(d, axis=1)[:, ${k - 1}]
mrd = np.maximum(d, np.maximum(core[:, None], core[None, :]))
np.fill_diagonal(mrd, 0)
print(json.dumps(linkage(squareform(mrd, checks=False), 'single')[:, 2].tolist()))`;
    const heights = JSON.parse(execFileSync('/usr/bin/python3', ['-c', py], { input: JSON.stringify([...x.data]) }).toString()) as number[];
    expect(heights).toHaveLength(299);
    expect(Array.from(tree.weight).every((w, t) => Math.abs(w - heights[t]) <= 1e-5 * Math.max(1, heights[t]))).toBe(true);
    // the all-pairs path (Prim, float64 core distances) gives the same heights
    const prim = await exactReachabilityTree(x, await exactCoreDistances(x, k));
    expect(Array.from(prim.weight).every((w, t) => Math.abs(w - heights[t]) <= 1e-9 * Math.max(1, heights[t]))).toBe(true);
    // a small kNN graph leaves the three blobs apart: the joined tree must still span them
    const sparse = await knnGraph(x, 6, { exact: true, threads: 1, what: 'test' });
    const joined = await reachabilityTree(x, sparse, coreDistances(sparse, k), { seed: 0 });
    expect(joined.joinRounds).toBeGreaterThan(0);
    expect(joined.a).toHaveLength(299);
    const total = (w: Float64Array) => w.reduce((s, v) => s + v, 0);
    expect(total(joined.weight)).toBeGreaterThanOrEqual(total(tree.weight) - 1e-6);
    expect(total(joined.weight)).toBeLessThan(total(tree.weight) * 1.05);
  });

  it('selects by excess of mass or by leaves as worked out by hand', async () => {
    // A = {0,1,2} ∪ {3.5,4.5,5.5} (two tight halves 1.5 apart), B = {20,21,22}, an outlier at 60.
    // minSamples 2 → core distance 1 for all but the outlier (38). A's halves live from λ = 1/1.5
    // to λ = 1: stability 3 · (1 − 2/3) = 1 each; A lives from 1/14.5 to 2/3: 6 · (2/3 − 1/14.5) = 3.59
    // > 1 + 1, so excess of mass keeps A whole; leaf selection takes the halves.
    const pts = [0, 1, 2, 3.5, 4.5, 5.5, 20, 21, 22, 60];
    const x = { rows: pts.length, dim: 1, data: Float32Array.from(pts) };
    const opts = { minClusterSize: 3, minSamples: 2, exact: true, threads: 1 };
    const eom = await hdbscan(x, opts);
    expect(samePartition(eom.labels, [0, 0, 0, 0, 0, 0, 1, 1, 1, -1])).toBe(true);
    const stabA = eom.stabilities[eom.labels[0]];
    expect(stabA).toBeCloseTo(6 * (2 / 3 - 1 / 14.5), 6);
    expect(eom.stabilities[eom.labels[6]]).toBeCloseTo(3 * (1 - 1 / 14.5), 6);
    expect(eom.outlierScores[9]).toBeCloseTo(1 - 1 / 38, 6);
    expect(Array.from(eom.probabilities.subarray(0, 9)).every((p) => p === 1)).toBe(true);
    expect(eom.probabilities[9]).toBe(0);
    const leaf = await hdbscan(x, { ...opts, clusterSelection: 'leaf' });
    expect(samePartition(leaf.labels, [0, 0, 0, 1, 1, 1, 2, 2, 2, -1])).toBe(true);
  });

  it('finds Gaussian blobs on the HNSW graph, repeatably, in bounded memory', async () => {
    const { x, labels } = blobs(3000, 16, 6, 11, 8);
    const a = await hdbscan(x, { minClusterSize: 20, threads: 1, seed: 3 });
    expect(a.clusters).toBe(6);
    expect(adjustedRandIndex(labels, a.labels)).toBeGreaterThan(0.95);
    const b = await hdbscan(x, { minClusterSize: 20, threads: 1, seed: 3 });
    expect(Array.from(b.labels)).toEqual(Array.from(a.labels));
    expect(Array.from(b.outlierScores)).toEqual(Array.from(a.outlierScores));
  });

  it('links close clusters directly, not through noise points: the refined tree selects as the exact one', async () => {
    // The bench's situation in small: dense blobs plus uniform background noise in 10-d. A kNN graph
    // links the blob groups only through noise points (heavy edges), so groups of blobs appeared too
    // early in the hierarchy and excess of mass kept them whole. The exact tree links them directly.
    const rng = new Random(7);
    const dim = 10;
    const n = 1500;
    const centres = Array.from({ length: 8 * dim }, () => (rng.uniform() * 2 - 1) * 3.5);
    const data = new Float32Array(n * dim);
    for (let i = 0; i < n; i++) {
      const noise = i % 25 === 0;
      for (let d = 0; d < dim; d++) data[i * dim + d] = noise ? (rng.uniform() * 2 - 1) * 7 : centres[(i % 8) * dim + d] + rng.gaussian();
    }
    const x = { rows: n, dim, data };
    const m = 15;
    const partition = (tree: SpanningTree) => extractClusters(condenseTree(singleLinkage(tree, n), n, m), n, 'eom').labels;
    const total = (t: SpanningTree) => t.weight.reduce((s, w) => s + w, 0);
    const exact = await exactReachabilityTree(x, await exactCoreDistances(x, m));
    const graph = await knnGraph(x, m, { exact: true, threads: 1, what: 'test' });
    const core = coreDistances(graph, m);
    const knn = await reachabilityTree(x, graph, core, { seed: 0 });
    // precondition: the kNN-only tree is heavier and selects differently from the exact one
    expect(total(knn)).toBeGreaterThan(total(exact) * 1.001);
    expect(samePartition(partition(knn), partition(exact))).toBe(false);
    const refined = await refineBetweenLeaves(x, graph, core, knn, condenseTree(singleLinkage(knn, n), n, m), { seed: 0 });
    expect(total(refined)).toBeLessThan(total(knn));
    expect(total(refined)).toBeGreaterThanOrEqual(total(exact) - 1e-6);
    expect(adjustedRandIndex(partition(refined), partition(exact))).toBeGreaterThan(0.99);
    const viaApi = await hdbscan(x, { minClusterSize: m, neighbors: m, threads: 1 });
    const exactApi = await hdbscan(x, { minClusterSize: m, exact: true });
    expect(viaApi.clusters).toBe(exactApi.clusters);
    expect(adjustedRandIndex(viaApi.labels, exactApi.labels)).toBeGreaterThan(0.99);
  });

  it('exact HDBSCAN* leaves the event loop free and stops on abort', async () => {
    const { x } = blobs(1500, 8, 3, 2, 8);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const t0 = performance.now();
    await hdbscan(x, { minClusterSize: 10, exact: true });
    const ms = performance.now() - t0;
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(Math.min(5, ms / 20));
    const controller = new AbortController();
    controller.abort();
    await expect(hdbscan(x, { minClusterSize: 10, exact: true, signal: controller.signal })).rejects.toThrow(/aborted/);
  });

  it('rejects bad parameters and input', async () => {
    const x = { rows: 4, dim: 1, data: Float32Array.from([0, 1, 2, 3]) };
    await expect(hdbscan(x, { minClusterSize: 1 })).rejects.toThrow(/minClusterSize must be an integer ≥ 2/);
    await expect(hdbscan(x, { minClusterSize: 5 })).rejects.toThrow(/minClusterSize = 5 is larger than the number of vectors \(4\)/);
    await expect(hdbscan(x, { minClusterSize: 2, clusterSelection: 'max' as 'eom' })).rejects.toThrow(/clusterSelection/);
    await expect(hdbscan({ rows: 0, dim: 1, data: new Float32Array(0) })).rejects.toThrow(/no vectors to cluster/);
    await expect(hdbscan({ rows: 2, dim: 1, data: Float32Array.from([0, NaN]) }, { minClusterSize: 2 })).rejects.toThrow(
      /row 1 has a non-finite value/,
    );
  });
});
