import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { adjustedRandIndex } from '../../../src/evaluate/clustering-metrics.js';
import { Random } from '../../../src/learn/random.js';
import { dbscan } from '../../../src/tasks/cluster/dbscan.js';
import { blobs } from './blobs.js';

describe('dbscan', () => {
  it('matches scikit-learn DBSCAN on blobs with scattered noise', async () => {
    const { x } = blobs(1500, 4, 4, 8, 8);
    const rng = new Random(3);
    const noise = Float32Array.from({ length: 60 * 4 }, () => (rng.uniform() * 2 - 1) * 14);
    const data = new Float32Array(x.data.length + noise.length);
    data.set(x.data);
    data.set(noise, x.data.length);
    const m = { rows: 1560, dim: 4, data };
    const ours = await dbscan(m, { eps: 1.2, minSamples: 8, threads: 1 });
    const py = `
import sys, json, numpy as np
from sklearn.cluster import DBSCAN
x = np.array(json.load(sys.stdin), dtype=np.float32).reshape(-1, 4)
print(json.dumps(DBSCAN(eps=1.2, min_samples=8).fit(x).labels_.tolist()))`;
    const theirs = JSON.parse(execFileSync('/usr/bin/python3', ['-c', py], { input: JSON.stringify([...data]) }).toString()) as number[];
    expect(new Set(theirs.filter((l) => l >= 0)).size).toBe(4); // precondition: four clusters and some noise
    expect(theirs.filter((l) => l < 0).length).toBeGreaterThan(20);
    expect(ours.clusters).toBe(4);
    expect(adjustedRandIndex(theirs, ours.labels)).toBeGreaterThan(0.99);
    expect(Array.from(ours.labels, (l, i) => l < 0 === theirs[i] < 0).every(Boolean)).toBe(true);
  });

  it('rejects bad parameters', async () => {
    const m = { rows: 3, dim: 1, data: Float32Array.from([0, 1, 2]) };
    await expect(dbscan(m, { eps: 0 })).rejects.toThrow(/eps must be a finite number > 0/);
    await expect(dbscan(m, { eps: 1, minSamples: 0 })).rejects.toThrow(/minSamples/);
  });
});
