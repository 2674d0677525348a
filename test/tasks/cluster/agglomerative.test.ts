import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { adjustedRandIndex } from '../../../src/evaluate/clustering-metrics.js';
import { Random } from '../../../src/learn/random.js';
import { agglomerative, type Linkage } from '../../../src/tasks/cluster/agglomerative.js';
import { blobs } from './blobs.js';

const LINKAGES = ['ward', 'average', 'complete', 'single'] as const;
// unstructured data: every cut depends on the whole hierarchy being right
const rng = new Random(5);
const noise = { rows: 240, dim: 4, data: Float32Array.from({ length: 240 * 4 }, () => rng.gaussian()) };
const { x: blobSet } = blobs(200, 3, 4, 2, 8);
const THRESHOLD = 4;

interface Reference {
  byLinkage: Record<Linkage, { labels: number[]; heights: number[] }>;
  threshold: number[];
}
let ref: Reference;

beforeAll(() => {
  // scikit-learn's AgglomerativeClustering labels and scipy's merge heights, one Python run
  const py = `
import sys, json, numpy as np
from sklearn.cluster import AgglomerativeClustering
from scipy.cluster.hierarchy import linkage
inp = json.load(sys.stdin)
x = np.array(inp["noise"], dtype=np.float32).reshape(-1, 4)
out = {"byLinkage": {}}
for how in ${JSON.stringify(LINKAGES)}:
    m = AgglomerativeClustering(n_clusters=7, linkage=how).fit(x)
    out["byLinkage"][how] = {"labels": m.labels_.tolist(), "heights": linkage(x.astype(np.float64), how)[:, 2].tolist()}
b = np.array(inp["blobs"], dtype=np.float32).reshape(-1, 3)
out["threshold"] = AgglomerativeClustering(n_clusters=None, linkage="average", distance_threshold=${THRESHOLD}).fit(b).labels_.tolist()
print(json.dumps(out))`;
  const input = JSON.stringify({ noise: [...noise.data], blobs: [...blobSet.data] });
  ref = JSON.parse(execFileSync('/usr/bin/python3', ['-c', py], { input }).toString()) as Reference;
});

describe('agglomerative', () => {
  it.each(LINKAGES)("gives scikit-learn's partition and scipy's merge heights (%s linkage)", async (linkage) => {
    const { labels, heights } = ref.byLinkage[linkage];
    expect(new Set(labels).size).toBe(7);
    const ours = await agglomerative(noise, { k: 7, linkage });
    expect(ours.clusters).toBe(7);
    expect(adjustedRandIndex(labels, ours.labels)).toBe(1);
    expect(Array.from(ours.distances).every((d, t) => Math.abs(d - heights[t]) <= 1e-9 * Math.max(1, heights[t]))).toBe(true);
  });

  it('cuts at a distance threshold as scikit-learn does', async () => {
    const ours = await agglomerative(blobSet, { distanceThreshold: THRESHOLD, linkage: 'average' });
    expect(ours.clusters).toBe(new Set(ref.threshold).size);
    expect(ours.clusters).toBeGreaterThan(1);
    expect(adjustedRandIndex(ref.threshold, ours.labels)).toBe(1);
  });

  it('refuses sizes whose distance matrix is absurd, and bad parameters', async () => {
    const x = { rows: 30, dim: 1, data: Float32Array.from({ length: 30 }, (_, i) => i) };
    await expect(agglomerative(x, { k: 2, maxRows: 20 })).rejects.toThrow(/30 vectors would need .* GiB; the limit is maxRows = 20/);
    await expect(agglomerative(x, { k: 31 })).rejects.toThrow(/k = 31 is larger than the number of vectors \(30\)/);
    await expect(agglomerative(x, {})).rejects.toThrow(/either k or distanceThreshold/);
    await expect(agglomerative(x, { k: 2, linkage: 'median' as Linkage })).rejects.toThrow(/linkage must be one of/);
  });
});
