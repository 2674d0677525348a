import { describe, expect, it } from 'vitest';
import { chooseK } from '../../../src/tasks/cluster/choose-k.js';
import { blobs } from './blobs.js';

describe('chooseK', () => {
  it('finds the number of well-separated blobs by silhouette and by the elbow', async () => {
    const { x } = blobs(1200, 6, 4, 21, 12);
    const r = await chooseK(x, { candidates: [2, 3, 4, 5, 6, 7, 8], seed: 1, silhouetteSample: 400 });
    expect(r.scores.map((s) => s.k)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    for (let i = 1; i < r.scores.length; i++) expect(r.scores[i].inertia).toBeLessThanOrEqual(r.scores[i - 1].inertia * 1.0001);
    expect(r.bestSilhouette).toBe(4);
    expect(r.elbow).toBe(4);
  });

  it('rejects bad candidates', async () => {
    const { x } = blobs(10, 2, 2, 1);
    await expect(chooseK(x, { candidates: [3] })).rejects.toThrow(/at least 2 candidate/);
    await expect(chooseK(x, { candidates: [2, 10] })).rejects.toThrow(/each k must be an integer in 2 … 9, got 10/);
  });
});
