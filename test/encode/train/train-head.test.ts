import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { leaveOneOutPrecisionAt1 } from '../../../src/learn/metrics.js';
import { predict } from '../../../src/learn/mlp.js';
import { Random } from '../../../src/learn/random.js';
import { trainHead, type HeadLoss, type TripletMining } from '../../../src/encode/train/train-head.js';

/**
 * Synthetic features: the label lives in 4 signal dimensions (class means ±1), the 28 other
 * dimensions are nuisance noise (σ 1.5 each, ‖noise‖ ≈ 8), so raw cosine neighbours are mostly wrong.
 */
function clusters(seed: number, classes = 4, perClass = 20, dim = 32): { x: Float32Array; y: Int32Array; dim: number } {
  // Class means fixed (same for every seed), one ±2 spike per class; the seed draws the noise.
  const means = Array.from({ length: classes }, (_, c) => Array.from({ length: 4 }, (_, d) => (d === c % 4 ? (c < 4 ? 2 : -2) : 0)));
  const rng = new Random(seed);
  const x = new Float32Array(classes * perClass * dim);
  const y = new Int32Array(classes * perClass);
  for (let c = 0, r = 0; c < classes; c++) {
    for (let k = 0; k < perClass; k++, r++) {
      y[r] = c;
      for (let d = 0; d < dim; d++) x[r * dim + d] = d < 4 ? means[c][d] + 0.3 * rng.gaussian() : 1.5 * rng.gaussian();
    }
  }
  return { x, y, dim };
}

describe('trainHead', () => {
  const train = clusters(1, 4, 60);
  const test = clusters(2);

  for (const [loss, mining] of [['supcon'], ['triplet', 'batch-hard'], ['triplet', 'semi-hard'], ['softmax']] as [
    HeadLoss,
    TripletMining?,
  ][]) {
    it(`${loss}${mining ? ` (${mining})` : ''}: learns to ignore nuisance dimensions (held-out precision@1 rises)`, async () => {
      const head = await trainHead(train.x, train.dim, train.y, {
        loss,
        ...(mining ? { mining } : {}),
        hidden: [16],
        outputDim: 8,
        epochs: 20,
        batchSize: 32,
        learningRate: 3e-3,
        seed: 7,
      });
      const before = leaveOneOutPrecisionAt1(test.x, test.dim, test.y);
      const after = leaveOneOutPrecisionAt1(predict(head.layers, test.x, test.y.length), 8, test.y);
      expect(before).toBeLessThan(0.5);
      expect(after).toBeGreaterThan(0.8);
      expect(head.losses[head.losses.length - 1]).toBeLessThan(head.losses[0]);
      expect(head.layers[head.layers.length - 1].outputs).toBe(8);
    });
  }

  it('is deterministic for a seed and differs for another seed', async () => {
    const opts = { hidden: [8], outputDim: 4, epochs: 3, seed: 3 };
    const a = await trainHead(train.x, train.dim, train.y, opts);
    const b = await trainHead(train.x, train.dim, train.y, opts);
    const c = await trainHead(train.x, train.dim, train.y, { ...opts, seed: 4 });
    expect(Array.from(a.layers[1].weights)).toEqual(Array.from(b.layers[1].weights));
    expect(Array.from(a.layers[1].weights)).not.toEqual(Array.from(c.layers[1].weights));
  });

  it('rejects bad input with clear errors and stops on abort', async () => {
    await expect(trainHead(train.x, 31, train.y)).rejects.toThrow(/expected 240 rows × 31/);
    await expect(trainHead(train.x, train.dim, new Int32Array(240))).rejects.toThrow(/at least 2 labels/);
    await expect(trainHead(train.x, train.dim, train.y, { loss: 'arcface' as HeadLoss })).rejects.toThrow(UsageError);
    const nan = Float32Array.from(train.x);
    nan[5] = Number.NaN;
    await expect(trainHead(nan, train.dim, train.y)).rejects.toThrow(/features\[5\] is not finite/);
    const controller = new AbortController();
    const p = trainHead(train.x, train.dim, train.y, {
      epochs: 1000,
      onEpoch: (e) => e === 2 && controller.abort(),
      signal: controller.signal,
    });
    await expect(p).rejects.toThrow(/abort/);
  });
});
