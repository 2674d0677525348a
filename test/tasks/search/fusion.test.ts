import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { fuseRankings, fusionSettings, overrideFusion } from '../../../src/tasks/search/fusion.js';

const dense = [
  { key: 1, score: 0.9 },
  { key: 2, score: 0.5 },
  { key: 3, score: 0.1 },
];
const lexical = [
  { key: 3, score: 12 },
  { key: 1, score: 6 },
];
const latent = [
  { key: 2, score: 0.8 },
  { key: 4, score: 0.4 },
];

describe('fuseRankings', () => {
  it('convex min–max with two sides (hand-computed)', () => {
    // dense normalised: 1 → 1, 2 → 0.5, 3 → 0; bm25: 3 → 1, 1 → 0, 2 missing → 0
    const r = fuseRankings(dense, lexical, { mode: 'convex', denseWeight: 0.4 });
    expect(r.map((h) => h.key)).toEqual([3, 1, 2]);
    expect(r[0].score).toBeCloseTo(0.6, 12);
    expect(r[1].score).toBeCloseTo(0.4, 12);
    expect(r[2].score).toBeCloseTo(0.2, 12);
  });

  it('convex with a latent side: weights dense, latent, rest to BM25; missing = the list minimum', () => {
    const r = fuseRankings(dense, lexical, { mode: 'convex', denseWeight: 0.2, latentWeight: 0.3 }, latent);
    const want = new Map([
      [1, 0.2 * 1 + 0.3 * 0 + 0.5 * 0],
      [2, 0.2 * 0.5 + 0.3 * 1 + 0.5 * 0],
      [3, 0.2 * 0 + 0.3 * 0 + 0.5 * 1],
      [4, 0.2 * 0 + 0.3 * 0 + 0.5 * 0],
    ]);
    for (const h of r) expect(h.score).toBeCloseTo(want.get(h.key)!, 12);
    expect(r.map((h) => h.key)).toEqual([3, 2, 1, 4]);
  });

  it('z-score normalisation (hand-computed)', () => {
    // dense mean 0.5, sd sqrt(((0.4)² + 0 + (0.4)²)/3); bm25 mean 9, sd 3
    const sd = Math.sqrt(0.32 / 3);
    const r = fuseRankings(dense, lexical, { mode: 'convex', denseWeight: 0.5, normalization: 'zscore' });
    const z = new Map([
      [1, 0.5 * (0.4 / sd) + 0.5 * -1],
      [2, 0.5 * 0 + 0.5 * -1],
      [3, 0.5 * (-0.4 / sd) + 0.5 * 1],
    ]);
    for (const h of r) expect(h.score).toBeCloseTo(z.get(h.key)!, 12);
  });

  it('rrf with three sides', () => {
    const r = fuseRankings(dense, lexical, { mode: 'rrf', rrfK: 0, denseWeight: 0.25, latentWeight: 0.25 }, latent);
    const score = new Map(r.map((h) => [h.key, h.score]));
    expect(score.get(1)).toBeCloseTo(0.5 / 1 + 1 / 2, 12);
    expect(score.get(2)).toBeCloseTo(0.5 / 2 + 0.5 / 1, 12);
    expect(score.get(4)).toBeCloseTo(0.5 / 2, 12);
  });

  it('an empty latent list leaves the two-sided weights; single modes pass lists through', () => {
    expect(fuseRankings(dense, lexical, { denseWeight: 0.4, latentWeight: 0.3 }, [])).toEqual(
      fuseRankings(dense, lexical, { denseWeight: 0.4, latentWeight: 0 }),
    );
    expect(fuseRankings(dense, lexical, { mode: 'latent' }, latent)).toEqual(latent);
  });

  it('convex with a whole-document BM25 side (hand-computed); an empty one leaves its weight to the chunks', () => {
    const document = [
      { key: 2, score: 4 },
      { key: 3, score: 2 },
    ];
    // dense 1 → 1, 2 → 0.5, 3 → 0; document 2 → 1, 3 → 0, 1 missing → 0; chunk BM25 3 → 1, 1 → 0, 2 → 0
    const r = fuseRankings(dense, lexical, { mode: 'convex', denseWeight: 0.2, documentWeight: 0.3 }, [], document);
    const want = new Map([
      [1, 0.2 * 1],
      [2, 0.2 * 0.5 + 0.3 * 1],
      [3, 0.5 * 1],
    ]);
    for (const h of r) expect(h.score).toBeCloseTo(want.get(h.key)!, 12);
    expect(r.map((h) => h.key)).toEqual([3, 2, 1]);
    expect(fuseRankings(dense, lexical, { denseWeight: 0.2, documentWeight: 0.3 }, [], [])).toEqual(
      fuseRankings(dense, lexical, { denseWeight: 0.2, documentWeight: 0 }),
    );
    const rrf = fuseRankings(dense, lexical, { mode: 'rrf', rrfK: 0, denseWeight: 0.25, documentWeight: 0.25 }, [], document);
    expect(new Map(rrf.map((h) => [h.key, h.score])).get(2)).toBeCloseTo(0.5 / 2 + 0.5 / 1, 12);
  });

  it('checks settings; the default latent weight gives way to a large dense weight', () => {
    expect(fusionSettings({}).documentWeight).toBe(0);
    expect(fusionSettings({ denseWeight: 0.95, documentWeight: 0.05 }).latentWeight).toBeCloseTo(0, 12);
    expect(() => fusionSettings({ denseWeight: 0.2, documentWeight: 0.9 })).toThrow(/documentWeight must be ≤ 1|≤ 1/);
    expect(() => fusionSettings({ documentWeight: -1 })).toThrow(UsageError);
    // a query's override: weights it does not give yield, latent first
    const base = fusionSettings({ denseWeight: 0.1, latentWeight: 0.2, documentWeight: 0.5 });
    expect(overrideFusion(base, { denseWeight: 0, documentWeight: 1 })).toMatchObject({
      denseWeight: 0,
      latentWeight: 0,
      documentWeight: 1,
    });
    expect(overrideFusion(base, { denseWeight: 0.5 })).toMatchObject({ denseWeight: 0.5, latentWeight: 0, documentWeight: 0.5 });
    expect(overrideFusion(base, { mode: 'rrf' })).toMatchObject({ mode: 'rrf', denseWeight: 0.1, latentWeight: 0.2, documentWeight: 0.5 });
    expect(() => overrideFusion(base, { denseWeight: 0.6, documentWeight: 0.6 })).toThrow(/≤ 1/);
    expect(fusionSettings({}).latentWeight).toBe(0.1);
    expect(fusionSettings({ denseWeight: 0.95 }).latentWeight).toBeCloseTo(0.05, 12);
    expect(() => fusionSettings({ denseWeight: 0.9, latentWeight: 0.2 })).toThrow(/≤ 1/);
    expect(() => fusionSettings({ normalization: 'l2' as never })).toThrow(UsageError);
    expect(() => fusionSettings({ mode: 'sparse' as never })).toThrow(/latent/);
  });
});
