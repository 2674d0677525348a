import { describe, expect, it } from 'vitest';
import { AbortError, UsageError } from '../../src/errors.js';
import { neighborPreservation, trustworthiness, UMAP } from '../../src/project/index.js';
import { fitAB } from '../../src/project/umap-curve.js';
import { separatedBlobs, silhouetteOf } from './blobs.js';

describe('UMAP on the HNSW kNN graph', () => {
  const n = 600;
  const dim = 20;
  const { x, labels } = separatedBlobs(n, dim, 6, 12);

  it('fits the curve parameters a, b as umap-learn', () => {
    // umap-learn 0.5 find_ab_params(1.0, 0.1) = (1.5769434603113077, 0.8950608779109733)
    const { a, b } = fitAB(0.1, 1);
    expect(a).toBeCloseTo(1.57694, 3);
    expect(b).toBeCloseTo(0.89506, 3);
  });

  it('keeps neighbourhoods and separates the blobs (2-D)', async () => {
    const y = await new UMAP({ seed: 1, threads: 2 }).fitTransform(x.data, n, dim);
    expect(y.length).toBe(n * 2);
    expect(y.every(Number.isFinite)).toBe(true);
    expect(silhouetteOf(x.data, n, dim, labels)).toBeGreaterThan(0.5);
    expect(silhouetteOf(y, n, 2, labels)).toBeGreaterThan(0.6);
    expect(neighborPreservation(x.data, dim, y, 2, n, 10)).toBeGreaterThan(0.2);
    expect(trustworthiness(x.data, dim, y, 2, n, 10)).toBeGreaterThan(0.9);
  });

  it('repeats bit for bit with a seed and one thread, also in 3-D', async () => {
    const run = (seed: number) => new UMAP({ dims: 3, seed, threads: 1, epochs: 100 }).fitTransform(x.data, n, dim);
    const a = await run(2);
    const b = await run(2);
    expect(a.length).toBe(n * 3);
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    expect(Buffer.from(a.buffer).equals(Buffer.from((await run(3)).buffer))).toBe(false);
  });

  it('stops when aborted', async () => {
    const ac = new AbortController();
    const p = new UMAP({ epochs: 1_000_000, threads: 1 }).fitTransform(x.data, n, dim, {
      signal: ac.signal,
      onProgress: (q) => {
        if (q.phase === 'optimize') ac.abort();
      },
    });
    await expect(p).rejects.toBeInstanceOf(AbortError);
  });

  it('rejects bad input with a UsageError', async () => {
    await expect(new UMAP({ neighbors: 15 }).fitTransform(x.data, 15, dim)).rejects.toThrow(/needs at least 16 vectors/);
    expect(() => new UMAP({ dims: 1 as 2 })).toThrow(/dims must be 2 or 3/);
    expect(() => new UMAP({ minDist: 2 })).toThrow(/must not exceed spread/);
    expect(() => new UMAP({ neighbors: 1 })).toThrow(UsageError);
  });
});
