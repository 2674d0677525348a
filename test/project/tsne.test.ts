import { describe, expect, it } from 'vitest';
import { AbortError, UsageError } from '../../src/errors.js';
import { neighborPreservation, TSNE, trustworthiness } from '../../src/project/index.js';
import { separatedBlobs, silhouetteOf } from './blobs.js';

describe('t-SNE on the kNN graph', () => {
  const n = 600;
  const dim = 20;
  const { x, labels } = separatedBlobs(n, dim, 6, 11);

  it('keeps neighbourhoods and separates the blobs (2-D)', async () => {
    const phases = new Set<string>();
    const y = await new TSNE({ seed: 1, threads: 1 }).fitTransform(x.data, n, dim, { onProgress: (p) => phases.add(p.phase) });
    expect(y.length).toBe(n * 2);
    expect(y.every(Number.isFinite)).toBe(true);
    // preconditions of the data: the blobs are separated in the input
    expect(silhouetteOf(x.data, n, dim, labels)).toBeGreaterThan(0.5);
    expect(silhouetteOf(y, n, 2, labels)).toBeGreaterThan(0.6);
    expect(neighborPreservation(x.data, dim, y, 2, n, 10)).toBeGreaterThan(0.2);
    expect(trustworthiness(x.data, dim, y, 2, n, 10)).toBeGreaterThan(0.9);
    expect([...phases]).toEqual(expect.arrayContaining(['neighbors', 'affinities', 'optimize']));
  });

  it("keeps finer neighbourhoods with Barnes-Hut than with the sampled 'fast' repulsion", async () => {
    const bh = new TSNE({ seed: 2, threads: 1, iterations: 500 });
    const fast = new TSNE({ seed: 2, threads: 1, iterations: 500, method: 'fast' });
    // the default 'auto' takes Barnes-Hut on a set this small
    expect([bh.method, bh.theta, fast.method]).toEqual(['auto', 0.5, 'fast']);
    const a = await bh.fitTransform(x.data, n, dim);
    const b = await fast.fitTransform(x.data, n, dim);
    expect(silhouetteOf(b, n, 2, labels)).toBeGreaterThan(0.6);
    const kept = neighborPreservation(x.data, dim, a, 2, n, 10);
    const keptFast = neighborPreservation(x.data, dim, b, 2, n, 10);
    expect(kept).toBeGreaterThan(keptFast);
  });

  it('gives the same layout with two threads as with one (Barnes-Hut has no random draws)', async () => {
    // the exact kNN graph (n ≤ 4,096) and Z summed per thread: equal up to the last bits of Z
    const one = await new TSNE({ seed: 5, threads: 1, iterations: 300 }).fitTransform(x.data, n, dim);
    const two = await new TSNE({ seed: 5, threads: 2, iterations: 300 }).fitTransform(x.data, n, dim);
    let worst = 0;
    for (let i = 0; i < one.length; i++) worst = Math.max(worst, Math.abs(one[i] - two[i]));
    expect(worst).toBeLessThan(1e-2);
  });

  it('repeats bit for bit with a seed and one thread, also in 3-D', async () => {
    const run = () => new TSNE({ dims: 3, seed: 3, threads: 1, iterations: 300 }).fitTransform(x.data, n, dim);
    const a = await run();
    const b = await run();
    expect(a.length).toBe(n * 3);
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    const c = await new TSNE({ dims: 3, seed: 4, threads: 1, iterations: 300 }).fitTransform(x.data, n, dim);
    expect(Buffer.from(a.buffer).equals(Buffer.from(c.buffer))).toBe(false);
  });

  it('stops when aborted', async () => {
    const ac = new AbortController();
    const started = performance.now();
    const p = new TSNE({ iterations: 100_000, threads: 1 }).fitTransform(x.data, n, dim, {
      signal: ac.signal,
      onProgress: (q) => {
        if (q.phase === 'optimize') ac.abort();
      },
    });
    await expect(p).rejects.toBeInstanceOf(AbortError);
    expect(performance.now() - started).toBeLessThan(20_000);
  });

  it('rejects bad input with a UsageError', async () => {
    await expect(new TSNE({ perplexity: 30 }).fitTransform(x.data, 90, dim)).rejects.toThrow(/needs at least 91 vectors/);
    const bad = x.data.slice(0, 200 * dim);
    bad[5 * dim + 2] = Infinity;
    await expect(new TSNE({ perplexity: 5 }).fitTransform(bad, 200, dim)).rejects.toThrow(/row 5 has a non-finite value/);
    expect(() => new TSNE({ dims: 4 as 2 })).toThrow(/dims must be 2 or 3/);
    expect(() => new TSNE({ perplexity: 0 })).toThrow(UsageError);
    expect(() => new TSNE({ method: 'exact' as 'fast' })).toThrow(/method must be 'auto', 'barnes-hut' or 'fast'/);
    expect(() => new TSNE({ theta: -1 })).toThrow(UsageError);
  });
});
