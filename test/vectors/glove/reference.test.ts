// GloVe against an independent numpy reference (reference.py, the stanfordnlp/GloVe pipeline
// re-derived from the paper): the co-occurrence triples exactly, and the training's cost per epoch.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../src/math/random.js';
import type { GloVeOptions } from '../../../src/vectors/glove/options.js';
import { GloVe, trainGloVe } from '../../../src/vectors/glove/trainer.js';

const PYTHON = '/usr/bin/python3';
const REFERENCE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'reference.py');

interface ReferenceResult {
  words: string[];
  cooccur: [string, string, number][];
  costs?: number[];
}

function reference(request: Record<string, unknown>): ReferenceResult {
  const run = spawnSync(PYTHON, [REFERENCE], { input: JSON.stringify(request), encoding: 'utf8', maxBuffer: 1 << 28 });
  if (run.status !== 0) throw new Error(`reference.py failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as ReferenceResult;
}

/** Zipf-like sentences over `words` words (w0 the most frequent), some rare enough to fall under minCount. */
function zipfCorpus(seed: number, sentences: number, words: number): string[][] {
  const rnd = mulberry32(seed);
  return Array.from({ length: sentences }, () =>
    Array.from({ length: 3 + Math.floor(rnd() * 15) }, () => `w${Math.floor(words * rnd() ** 2.5)}`),
  );
}

async function ourCells(sentences: string[][], options: GloVeOptions): Promise<Map<string, number>> {
  const glove = new GloVe({ workers: 1, memoryBudget: 1 << 22, ...options });
  try {
    await glove.buildVocab(sentences);
    await glove.countCooccurrences();
    const { rows, cols, counts } = glove.cooccurrences();
    const words = glove.vocabulary.words;
    const cells = new Map<string, number>();
    for (let k = 0; k < rows.length; k++) cells.set(`${words[rows[k]]} ${words[cols[k]]}`, counts[k]);
    return cells;
  } finally {
    glove.dispose();
  }
}

describe('GloVe against the numpy reference', () => {
  it('counts the same co-occurrence triples (OOV words skipped, window, symmetry, 1/d)', async () => {
    const sentences = zipfCorpus(11, 300, 600);
    for (const [symmetric, distanceWeighting] of [
      [true, true],
      [false, true],
      [true, false],
    ]) {
      const options = { minCount: 4, window: 4, symmetric, distanceWeighting };
      const ref = reference({ sentences, ...options });
      expect(ref.words.length).toBeLessThan(500); // precondition: some words are out of vocabulary
      const ours = await ourCells(sentences, options);
      expect(ours.size, `symmetric ${symmetric}, distanceWeighting ${distanceWeighting}`).toBe(ref.cooccur.length);
      const wrong = ref.cooccur.filter(([a, b, x]) => !(Math.abs((ours.get(`${a} ${b}`) ?? NaN) - x) < 1e-4));
      expect(wrong.slice(0, 5)).toEqual([]);
    }
  }, 120_000);

  it('lowers the cost per epoch as the reference does (AdaGrad, f(x), biases)', async () => {
    // seed-independent: the mean cost of each epoch over ~11k records varies by well under 1 %
    // between seeds; any slip in the gradient, the weighting or the AdaGrad step shows up as a
    // different curve (a missing square root: 3x higher after one epoch)
    const sentences = zipfCorpus(5, 400, 200);
    const settings = { minCount: 2, window: 5, dim: 10, xMax: 10, alpha: 0.75, eta: 0.05 };
    const ref = reference({ sentences, ...settings, epochs: 8, train: true, seed: 3 });
    const costs = ref.costs!;
    expect(costs[7]).toBeLessThan(0.8 * costs[0]); // precondition: the reference's cost falls
    for (const epochs of [1, 3, 8]) {
      const { training } = await trainGloVe(sentences, { ...settings, epochs, workers: 1, seed: 3, memoryBudget: 1 << 22 });
      expect(training.cooccurrences).toBe(ref.cooccur.length);
      expect(training.cost / costs[epochs - 1], `epoch ${epochs}: ${training.cost} vs ${costs[epochs - 1]}`).toBeCloseTo(1, 1);
    }
  }, 120_000);
});
