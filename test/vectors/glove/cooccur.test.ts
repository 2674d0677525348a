import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../src/math/random.js';
import { GloVe } from '../../../src/vectors/glove/trainer.js';
import type { GloVeOptions } from '../../../src/vectors/glove/options.js';

/** The counted cells as a map "row,col" → count. */
async function count(sentences: string[][], options: GloVeOptions): Promise<{ cells: Map<string, number>; glove: GloVe }> {
  const glove = new GloVe({ minCount: 1, workers: 1, ...options });
  await glove.buildVocab(sentences);
  await glove.countCooccurrences();
  const { rows, cols, counts } = glove.cooccurrences();
  const v = glove.vocabulary;
  const cells = new Map<string, number>();
  for (let k = 0; k < rows.length; k++) {
    const key = `${v.words[rows[k]]},${v.words[cols[k]]}`;
    expect(cells.has(key)).toBe(false); // each pair once
    cells.set(key, counts[k]);
  }
  glove.dispose();
  return { cells, glove };
}

/** Reference counting, straight from the definition (cooccur.c): pairs within `window`, weight 1/d. */
function bruteForce(sentences: string[][], window: number, symmetric: boolean): Map<string, number> {
  const cells = new Map<string, number>();
  const add = (a: string, b: string, x: number) => cells.set(`${a},${b}`, (cells.get(`${a},${b}`) ?? 0) + x);
  for (const s of sentences)
    for (let j = 0; j < s.length; j++)
      for (let k = Math.max(0, j - window); k < j; k++) {
        add(s[k], s[j], 1 / (j - k));
        if (symmetric) add(s[j], s[k], 1 / (j - k));
      }
  return cells;
}

describe('GloVe co-occurrence counting', () => {
  const tiny = [
    ['a', 'b', 'c'],
    ['b', 'a'],
  ];

  it('counts a tiny corpus as by hand (symmetric, 1/distance)', async () => {
    const { cells } = await count(tiny, { window: 2 });
    // "a b c": (a,b) at distance 1, (b,c) at 1, (a,c) at 2 → 1/2; "b a": (b,a) at 1; both directions.
    expect(Object.fromEntries(cells)).toEqual({ 'a,b': 2, 'b,a': 2, 'b,c': 1, 'c,b': 1, 'a,c': 0.5, 'c,a': 0.5 });
  });

  it('counts one direction without symmetry, and only within the window', async () => {
    const { cells } = await count(tiny, { window: 2, symmetric: false });
    expect(Object.fromEntries(cells)).toEqual({ 'a,b': 1, 'b,a': 1, 'b,c': 1, 'a,c': 0.5 });
    const narrow = await count(tiny, { window: 1 });
    expect(Object.fromEntries(narrow.cells)).toEqual({ 'a,b': 2, 'b,a': 2, 'b,c': 1, 'c,b': 1 });
  });

  it('gives the same counts when the buffer spills sorted chunks to disk and merges them', async () => {
    const rnd = mulberry32(7);
    const words = Array.from({ length: 300 }, (_, i) => `w${i}`);
    // Zipf-like draws so that some pairs are dense (frequent) and most are not.
    const sentences = Array.from({ length: 600 }, () =>
      Array.from({ length: 5 + Math.floor(rnd() * 20) }, () => words[Math.floor(300 * rnd() ** 3)]),
    );
    const expected = bruteForce(sentences, 5, true);
    const small = await count(sentences, { window: 5, memoryBudget: 16384, jobWords: 40, corpusStorage: 'memory' });
    const large = await count(sentences, { window: 5 });
    const summary = await small.glove.countCooccurrences();
    expect(summary.spilledChunks).toBeGreaterThan(1); // precondition: the spill path ran
    expect(summary.denseCooccurrences).toBeGreaterThan(0);
    expect(summary.denseCooccurrences).toBeLessThan(summary.cooccurrences);
    for (const cells of [small.cells, large.cells]) {
      expect(cells.size).toBe(expected.size);
      for (const [key, x] of expected) expect(cells.get(key), key).toBeCloseTo(x, 4);
    }
  });
});
