import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../src/math/random.js';
import { GloVe, trainGloVe } from '../../../src/vectors/glove/trainer.js';

const TOPICS = [
  ['cat', 'dog', 'fur', 'paw', 'pet', 'tail'],
  ['car', 'road', 'tyre', 'wheel', 'fuel', 'drive'],
];
const SHARED = ['the', 'a', 'is', 'of'];

/**
 * Two topics whose words never share a sentence, plus function words in both: GloVe must put each
 * topic's words together (only non-zero cells are trained, so the shared words carry the contrast).
 */
function topicCorpus(seed: number): string[][] {
  const rnd = mulberry32(seed);
  return Array.from({ length: 1500 }, (_, i) => {
    const t = TOPICS[i % 2];
    return Array.from({ length: 8 }, () => (rnd() < 0.4 ? SHARED[Math.floor(rnd() * 4)] : t[Math.floor(rnd() * t.length)]));
  });
}

describe('GloVe training', () => {
  it('is bit-for-bit repeatable with a seed and one worker', async () => {
    const corpus = topicCorpus(1);
    const opts = { dim: 16, epochs: 10, workers: 1, minCount: 1, seed: 42 };
    const a = await trainGloVe(corpus, opts);
    const b = await trainGloVe(corpus, opts);
    expect(Array.from(a.vectors.vectors)).toEqual(Array.from(b.vectors.vectors));
    const c = await trainGloVe(corpus, { ...opts, seed: 43 });
    expect(Array.from(c.vectors.vectors)).not.toEqual(Array.from(a.vectors.vectors));
  });

  it('learns co-occurrence structure and lowers the cost', async () => {
    const corpus = topicCorpus(2);
    const short = await trainGloVe(corpus, { dim: 16, epochs: 1, workers: 1, minCount: 1, xMax: 10 });
    const { vectors, training } = await trainGloVe(corpus, { dim: 16, epochs: 30, workers: 1, minCount: 1, xMax: 10 });
    expect(training.cost).toBeLessThan(short.training.cost);
    // every ordered pair within a topic (self-pairs included), topic × shared both ways, shared × shared
    expect(training.cooccurrences).toBe(2 * 36 + 2 * 2 * 6 * 4 + 16);
    for (const t of TOPICS)
      for (const w of t) {
        const near = vectors.mostSimilar(w, { topn: 5 }).map((n) => n.word);
        expect(near.filter((n) => t.includes(n)).length, `${w}: ${near.join(' ')}`).toBeGreaterThanOrEqual(4);
      }
  });

  it('refuses to train twice or before the vocabulary', async () => {
    const g = new GloVe({ minCount: 1, workers: 2, epochs: 1, dim: 4 }); // two training threads
    await expect(g.train()).rejects.toThrow(/buildVocab/);
    await g.buildVocab(topicCorpus(3));
    await g.train();
    await expect(g.train()).rejects.toThrow(/already trained/);
  });
});
