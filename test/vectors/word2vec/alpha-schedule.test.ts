import { describe, expect, it } from 'vitest';
import { linearAlpha, tokensBeforeInPart } from '../../../src/vectors/word2vec/alpha-schedule.js';
import { interleave } from '../../../src/vectors/word2vec/job-order.js';

describe('learning-rate schedule', () => {
  it('decays linearly from alpha to minAlpha and stays there', () => {
    expect(linearAlpha(0.05, 0.0001, 0, 10)).toBe(0.05);
    expect(linearAlpha(0.05, 0.0001, 5, 10)).toBeCloseTo(0.02505, 12);
    expect(linearAlpha(0.05, 0.0001, 10, 10)).toBeCloseTo(0.0001, 12);
    expect(linearAlpha(0.05, 0.0001, 11, 10)).toBe(0.0001);
  });

  it('counts the tokens before each job in its own part', () => {
    const tokens = [3, 1, 4, 1, 5, 9, 2];
    expect(Array.from(tokensBeforeInPart(tokens, 1))).toEqual([0, 3, 4, 8, 9, 14, 23]);
    // 7 jobs in 2 parts: [0..3], [4..6]
    expect(Array.from(tokensBeforeInPart(tokens, 2))).toEqual([0, 3, 4, 8, 0, 5, 14]);
    // 7 jobs in 3 parts: [0..2], [3..4], [5..6]
    expect(Array.from(tokensBeforeInPart(tokens, 3))).toEqual([0, 3, 4, 0, 1, 0, 9]);
  });

  it("per-part decay follows gensim corpus_file's per-thread progress", () => {
    // 2 parts of 50 jobs × 100 tokens, 5 epochs: each part's progress is (epoch + its own tokens /
    // tokens per epoch) / epochs, so an epoch advances the rate by half an epoch's decay and the
    // next epoch starts where the global decay would.
    const jobs = 100;
    const tokens = new Array<number>(jobs).fill(100);
    const before = tokensBeforeInPart(tokens, 2);
    const perEpoch = jobs * 100;
    const alphaOf = (n: number, epoch: number) => {
      const job = interleave(n, jobs, 2);
      return linearAlpha(0.05, 0.0001, epoch * perEpoch + before[job], perEpoch * 5);
    };
    expect(alphaOf(0, 0)).toBe(0.05);
    expect(alphaOf(1, 0)).toBe(0.05); // first job of the second part
    expect(alphaOf(jobs - 1, 0)).toBeCloseTo(0.05 - 0.0499 * (0.49 / 5), 12);
    expect(alphaOf(0, 1)).toBeCloseTo(0.05 - 0.0499 * (1 / 5), 12);
    expect(alphaOf(jobs - 1, 4)).toBeCloseTo(0.05 - 0.0499 * (4.49 / 5), 12); // ~0.0052, not 0.0001
  });
});
