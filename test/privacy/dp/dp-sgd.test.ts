import { describe, expect, it } from 'vitest';
import type { FeatureRows } from '../../../src/learn/feature-rows.js';
import { Random } from '../../../src/learn/random.js';
import { dpSgdLinearFitter, fitLinearDpSgd, planDpSgd } from '../../../src/privacy/dp/dp-sgd.js';
import { dpSgdEpsilon } from '../../../src/privacy/dp/rdp-accountant.js';
import { Classifier } from '../../../src/tasks/classify/classifier.js';
import { linearScores } from '../../../src/tasks/classify/features.js';

/** Three Gaussian blobs in 8-d, unit-norm-ish rows, as dense features. */
function blobs(n: number, seed: number): { x: FeatureRows; y: Int32Array } {
  const rnd = new Random(seed);
  const dim = 8;
  const dense = new Float32Array(n * dim);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 3;
    for (let j = 0; j < dim; j++) dense[i * dim + j] = (j === y[i] ? 0.8 : 0) + 0.15 * rnd.gaussian();
  }
  return { x: { rows: n, sparseDim: 0, denseDim: dim, dense }, y };
}

function accuracy(w: Float64Array, x: FeatureRows, y: Int32Array): number {
  const s = linearScores(x, w, 3);
  let ok = 0;
  for (let i = 0; i < x.rows; i++) {
    const row = [s[i * 3], s[i * 3 + 1], s[i * 3 + 2]];
    if (row.indexOf(Math.max(...row)) === y[i]) ok++;
  }
  return ok / x.rows;
}

describe('DP-SGD for linear classifiers', () => {
  const train = blobs(3000, 1);
  const test = blobs(900, 2);
  const fit = { loss: 'logistic' as const, C: 4 };

  it('plans steps and noise with the accountant, spending at most the target ε', () => {
    const plan = planDpSgd(3000, { epsilon: 2, delta: 1e-5, batchSize: 300, epochs: 10 });
    expect(plan.samplingRate).toBeCloseTo(0.1, 12);
    expect(plan.steps).toBe(100);
    expect(plan.epsilon).toBeLessThanOrEqual(2);
    expect(plan.epsilon).toBeGreaterThan(1.98);
    expect(dpSgdEpsilon(0.1, plan.noiseMultiplier, 100, 1e-5).epsilon).toBeCloseTo(plan.epsilon, 12);
    expect(planDpSgd(3000, { epsilon: Infinity }).noiseMultiplier).toBe(0);
    expect(planDpSgd(3000, { epsilon: 1 }).delta).toBe(1e-5);
  });

  it('learns: accuracy grows with ε and is repeatable with a seed', () => {
    const acc = (epsilon: number) => {
      const plan = planDpSgd(3000, { epsilon, batchSize: 300, epochs: 10 });
      return accuracy(fitLinearDpSgd(train.x, train.y, 3, fit, plan, { seed: 5 }), test.x, test.y);
    };
    const a1 = acc(1);
    const a8 = acc(8);
    const aInf = acc(Infinity);
    expect(aInf).toBeGreaterThan(0.95);
    expect(a8).toBeGreaterThan(0.9);
    expect(a1).toBeGreaterThan(0.6);
    expect(acc(1)).toBe(a1);
    const plan = planDpSgd(3000, { epsilon: 1, batchSize: 300, epochs: 10 });
    const w1 = fitLinearDpSgd(train.x, train.y, 3, fit, plan, { seed: 5 });
    expect(fitLinearDpSgd(train.x, train.y, 3, fit, plan, { seed: 6 })).not.toEqual(w1);
  });

  it('clipping bounds one example’s influence on a step to clip / batch', () => {
    // one full-batch step without noise: w = −lr · mean of clipped gradients
    const n = 50;
    const a = blobs(n, 3);
    const b = { x: { ...a.x, dense: Float32Array.from(a.x.dense as Float32Array) }, y: Int32Array.from(a.y) };
    for (let j = 0; j < 8; j++) (b.x.dense as Float32Array)[j] = 1e6 * (j % 2 ? 1 : -1); // an outlier replaces example 0
    b.y[0] = (a.y[0] + 1) % 3;
    const plan = { ...planDpSgd(n, { epsilon: Infinity, batchSize: n, epochs: 1, clip: 0.5 }), steps: 1 };
    const opts = { learningRate: 1, momentum: 0, seed: 1 };
    const big = { loss: 'logistic' as const, C: 1e12 };
    const wa = fitLinearDpSgd(a.x, a.y, 3, big, plan, opts);
    const wb = fitLinearDpSgd(b.x, b.y, 3, big, plan, opts);
    let d2 = 0;
    for (let j = 0; j < wa.length; j++) d2 += (wa[j] - wb[j]) ** 2;
    expect(Math.sqrt(d2)).toBeLessThanOrEqual((2 * 0.5) / n + 1e-12);
  });

  it('plugs into Classifier.train as the linear fitter (logistic and svm)', async () => {
    const words = ['apple banana cherry', 'engine wheel brake', 'guitar drum piano'];
    const labels = ['fruit', 'car', 'music'];
    const rnd = new Random(4);
    const inputs: string[] = [];
    const ys: string[] = [];
    for (let i = 0; i < 600; i++) {
      const k = i % 3;
      const w = words[k].split(' ');
      inputs.push(`${w[rnd.int(3)]} ${w[rnd.int(3)]} the and of ${['red', 'big', 'old'][rnd.int(3)]}`);
      ys.push(labels[k]);
    }
    for (const method of ['logistic', 'svm']) {
      const fitter = dpSgdLinearFitter({ epsilon: 4, seed: 2 });
      const model = await Classifier.train({ inputs, labels: ys, modality: 'text' }, { method, linearFitter: fitter.fit });
      const predicted = await model.predict(['banana apple', 'drum piano', 'brake engine']);
      expect(predicted, method).toEqual(['fruit', 'music', 'car']);
      expect(fitter.plan?.epsilon).toBeLessThanOrEqual(4);
    }
  });
});
