import { describe, expect, it } from 'vitest';
import type { FeatureRows } from '../../src/learn/feature-rows.js';
import { createMlpClassifierNet, mlpBackward, mlpForward, mlpProbabilities } from '../../src/learn/mlp-classifier.js';
import { Random } from '../../src/learn/random.js';
import { trainMlpClassifier } from '../../src/learn/train-mlp-classifier.js';

/** Rows of 6 sparse columns (2–3 non-zeros each) and 3 dense ones. */
function mixedRows(n: number, rng: Random): FeatureRows {
  const indptr = new Int32Array(n + 1);
  const indices: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    const cols = new Set([rng.int(6), rng.int(6), rng.int(6)]);
    for (const c of [...cols].sort()) {
      indices.push(c);
      values.push(rng.gaussian());
    }
    indptr[i + 1] = indices.length;
  }
  const dense = Float32Array.from({ length: n * 3 }, () => rng.gaussian());
  return { rows: n, sparseDim: 6, indptr, indices: Int32Array.from(indices), values: Float32Array.from(values), denseDim: 3, dense };
}

/** Two dense features, label = sign(x) XOR sign(y): not linearly separable. */
function xorRows(n: number, seed: number): { x: FeatureRows; y: Int32Array } {
  const rng = new Random(seed);
  const dense = new Float32Array(n * 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const a = rng.gaussian();
    const b = rng.gaussian();
    dense[2 * i] = a;
    dense[2 * i + 1] = b;
    y[i] = a > 0 !== b > 0 ? 1 : 0;
  }
  return { x: { rows: n, sparseDim: 0, denseDim: 2, dense }, y };
}

describe('MLP classifier network', () => {
  it('the sparse input layer equals the dense product', () => {
    const rng = new Random(1);
    const x = mixedRows(5, rng);
    const net = createMlpClassifierNet(9, [4], 2, 'relu', rng);
    const pre = net.input.forward(x, [0, 1, 2, 3, 4]);
    for (let i = 0; i < 5; i++) {
      const row = new Float64Array(9);
      for (let p = x.indptr![i]; p < x.indptr![i + 1]; p++) row[x.indices![p]] += x.values![p];
      for (let j = 0; j < 3; j++) row[6 + j] = x.dense![i * 3 + j];
      for (let h = 0; h < 4; h++) {
        let s = 0;
        for (let j = 0; j < 9; j++) s += row[j] * net.input.weights[j * 4 + h];
        expect(pre[i * 4 + h]).toBeCloseTo(s, 5);
      }
    }
  });

  it.each(['gelu', 'relu'] as const)('backpropagation matches finite differences (%s, two hidden layers)', (activation) => {
    const rng = new Random(7);
    const x = mixedRows(6, rng);
    const net = createMlpClassifierNet(9, [5, 4], 3, activation, rng);
    const batch = [0, 1, 2, 3, 4, 5];
    const r = Float32Array.from({ length: 18 }, () => rng.gaussian());
    // L = Σ logits · r, so dL/dlogits = r.
    const loss = () => {
      const { logits } = mlpForward(net, x, batch);
      let s = 0;
      for (let i = 0; i < logits.length; i++) s += logits[i] * r[i];
      return s;
    };
    const g = mlpBackward(net, x, mlpForward(net, x, batch), r);
    const numeric = (p: Float32Array, i: number) => {
      const eps = 1e-3;
      const v = p[i];
      p[i] = v + eps;
      const up = loss();
      p[i] = v - eps;
      const down = loss();
      p[i] = v;
      return (up - down) / (2 * eps);
    };
    const close = (analytic: number, num: number) => expect(Math.abs(analytic - num)).toBeLessThan(2e-2 * Math.max(1, Math.abs(num)));
    const rows = Array.from(g.input.rows);
    for (const j of [0, 3, 6, 8])
      for (const h of [0, 2, 4]) {
        const slot = rows.indexOf(j);
        close(slot < 0 ? 0 : g.input.grad[slot * 5 + h], numeric(net.input.weights, j * 5 + h));
      }
    for (const h of [0, 3]) close(g.input.bias[h], numeric(net.input.bias, h));
    for (const i of [0, 7, 19]) close(g.hidden[0].weights[i], numeric(net.hidden[0].weights, i));
    for (const i of [0, 1]) close(g.hidden[0].bias[i], numeric(net.hidden[0].bias, i));
    for (const i of [0, 5, 11]) close(g.output.weights[i], numeric(net.output.weights, i));
    for (const i of [0, 2]) close(g.output.bias[i], numeric(net.output.bias, i));
  });
});

describe('trainMlpClassifier', () => {
  it('learns a non-linear boundary, with early stopping on a held-out split', async () => {
    const { x, y } = xorRows(600, 1);
    const r = await trainMlpClassifier(x, y, 2, { hidden: [16], learningRate: 0.01, seed: 3 });
    expect(r.validationLoss.length).toBe(r.epochs);
    expect(r.bestEpoch).toBeLessThanOrEqual(r.epochs);
    const test = xorRows(300, 2);
    const p = mlpProbabilities(r.net, test.x);
    let correct = 0;
    for (let i = 0; i < 300; i++) if ((p[2 * i + 1] > p[2 * i] ? 1 : 0) === test.y[i]) correct++;
    expect(correct / 300).toBeGreaterThan(0.9);
  });

  it('is bit-for-bit repeatable for a seed (with dropout and GELU), and the seed matters', async () => {
    const rng = new Random(5);
    const x = mixedRows(120, rng);
    const y = Int32Array.from({ length: 120 }, (_, i) => i % 3);
    const options = { hidden: [8, 6], activation: 'gelu' as const, dropout: 0.2, maxEpochs: 15, seed: 11 };
    const a = await trainMlpClassifier(x, y, 3, options);
    const b = await trainMlpClassifier(x, y, 3, options);
    const c = await trainMlpClassifier(x, y, 3, { ...options, seed: 12 });
    expect(b.net.input.weights).toEqual(a.net.input.weights);
    expect(b.net.output.weights).toEqual(a.net.output.weights);
    expect(b.trainLoss).toEqual(a.trainLoss);
    expect(c.net.output.weights).not.toEqual(a.net.output.weights);
  });

  it('class weights move the decision towards the weighted class', async () => {
    // Overlapping classes, 9:1: with balanced weights the rare class is predicted far more often.
    const rng = new Random(9);
    const n = 500;
    const dense = new Float32Array(n);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = i % 10 === 0 ? 1 : 0;
      dense[i] = rng.gaussian() + (y[i] ? 1 : 0);
    }
    const x: FeatureRows = { rows: n, sparseDim: 0, denseDim: 1, dense };
    const count = async (classWeights?: Float64Array) => {
      const r = await trainMlpClassifier(x, y, 2, { hidden: [4], classWeights, validationFraction: 0, maxEpochs: 30, seed: 1 });
      const p = mlpProbabilities(r.net, x);
      let rare = 0;
      for (let i = 0; i < n; i++) if (p[2 * i + 1] > p[2 * i]) rare++;
      return rare;
    };
    const plain = await count();
    const weighted = await count(Float64Array.from([n / (2 * 450), n / (2 * 50)]));
    expect(weighted).toBeGreaterThan(plain + 50);
  });

  it('rejects bad options clearly', async () => {
    const { x, y } = xorRows(20, 1);
    await expect(trainMlpClassifier(x, y, 2, { dropout: 1 })).rejects.toThrow(/dropout must be in \[0, 1\)/);
    await expect(trainMlpClassifier(x, y, 2, { hidden: [] })).rejects.toThrow(/at least one hidden layer/);
    await expect(trainMlpClassifier(x, y, 2, { batchSize: 0 })).rejects.toThrow(/batchSize must be an integer/);
  });
});
