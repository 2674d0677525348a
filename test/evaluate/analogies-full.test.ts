/**
 * The full questions-words.txt (19,544 questions) on a 30,000 × 100 random model: every question is
 * evaluated and a long run stops when aborted. (Its speed is measured by bench/analogy-eval.mjs.)
 */
import { describe, expect, it } from 'vitest';
import { evaluateAnalogies } from '../../src/evaluate/analogies.js';
import { KeyedVectors } from '../../src/vectors/keyed-vectors.js';
import { gaussian, prng, QUESTIONS, questionSections } from './fixtures.js';

function randomModel(size: number, dim: number): KeyedVectors {
  const words = [...new Set(questionSections().flatMap((s) => s.questions.flat()))];
  for (let i = 0; words.length < size; i++) words.push(`filler${i}`);
  const normal = gaussian(prng(3));
  return new KeyedVectors({ words, vectors: Float32Array.from({ length: size * dim }, normal), dim });
}

describe('evaluateAnalogies on the full questions-words set', () => {
  const kv = randomModel(30000, 100);

  it('evaluates all 19,544 questions on 30000 × 100', async () => {
    const r = await evaluateAnalogies(kv, QUESTIONS, { restrictVocab: 30000 });
    expect(r.total).toBe(19544);
    expect(r.sections).toHaveLength(15);
  });

  it('stops soon after the signal aborts', async () => {
    const controller = new AbortController();
    let calls = 0;
    const run = evaluateAnalogies(kv, QUESTIONS, {
      signal: controller.signal,
      onProgress: (f) => {
        calls++;
        if (f > 0.05) controller.abort();
      },
    });
    await expect(run).rejects.toThrow(/abort/i);
    expect(calls).toBeLessThan(50);
  });
});
