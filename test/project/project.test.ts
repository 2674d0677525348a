import { describe, expect, it } from 'vitest';
import { AbortError, UsageError } from '../../src/errors.js';
import { project } from '../../src/project/index.js';
import { separatedBlobs } from './blobs.js';

describe('project()', () => {
  const n = 300;
  const dim = 12;
  const { x } = separatedBlobs(n, dim, 3, 5);

  it('runs each method with the same result shape', async () => {
    for (const method of ['pca', 'tsne', 'umap'] as const) {
      const r = await project(x.data, n, dim, { method, dims: 2, seed: 1, threads: 1, iterations: method === 'pca' ? undefined : 200 });
      expect(r.n).toBe(n);
      expect(r.dims).toBe(2);
      expect(r.coords.length).toBe(n * 2);
      expect(r.seconds).toBeGreaterThan(0);
      if (method === 'pca') expect(r.explainedVarianceRatio!.length).toBe(2);
    }
  });

  it('keeps the event loop free while it runs', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    try {
      await project(x.data, n, dim, { method: 'tsne', seed: 1, threads: 1, iterations: 500 });
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThan(3);
  });

  it('rejects an aborted signal and bad options', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(project(x.data, n, dim, { method: 'pca', signal: ac.signal })).rejects.toBeInstanceOf(AbortError);
    await expect(project(x.data, n, dim, { method: 'pca', dims: 4 as 2 })).rejects.toThrow(/dims must be 2 or 3/);
    await expect(project(x.data, n, dim, { method: 'mds' as 'pca' })).rejects.toBeInstanceOf(UsageError);
    await expect(project(x.data, 10, dim, { method: 'umap' })).rejects.toThrow(/needs at least 16 vectors/);
  });
});
