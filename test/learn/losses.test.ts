import { describe, expect, it } from 'vitest';
import {
  batchHardTripletLoss,
  semiHardTripletLoss,
  l2NormalizeBackward,
  l2NormalizeRows,
  softmaxCrossEntropy,
  supConLoss,
} from '../../src/learn/losses.js';
import { backward, createLayer, forward, zeroGradients } from '../../src/learn/mlp.js';
import { Random } from '../../src/learn/random.js';

const rows = 6;
const dim = 5;
const labels = [0, 0, 1, 1, 2, 2];

function randomRows(seed: number, n = rows * dim): Float32Array {
  const rng = new Random(seed);
  return Float32Array.from({ length: n }, () => rng.gaussian());
}

/** Loss of raw rows e through unit normalisation. */
function throughNorm(loss: (z: Float32Array) => { loss: number; grad: Float32Array }) {
  return (e: Float32Array) => {
    const { z, norms } = l2NormalizeRows(e, rows, dim);
    const r = loss(z);
    return { loss: r.loss, grad: l2NormalizeBackward(z, norms, r.grad, rows, dim) };
  };
}

/** Largest |analytic − numeric| gradient over all entries (central differences in float64 loss). */
function gradientError(
  f: (x: Float32Array) => { loss: number; grad: Float32Array },
  x: Float32Array,
  h = 1e-3,
): { error: number; scale: number } {
  const { grad } = f(x);
  let error = 0;
  let scale = 0;
  for (let i = 0; i < x.length; i++) {
    const xp = Float32Array.from(x);
    const xm = Float32Array.from(x);
    xp[i] += h;
    xm[i] -= h;
    const numeric = (f(xp).loss - f(xm).loss) / (xp[i] - xm[i]);
    error = Math.max(error, Math.abs(numeric - grad[i]));
    scale = Math.max(scale, Math.abs(grad[i]));
  }
  return { error, scale };
}

describe('losses: analytic gradients match finite differences', () => {
  it('supervised contrastive (Khosla et al. 2020)', () => {
    const { error, scale } = gradientError(
      throughNorm((z) => supConLoss(z, labels, rows, dim, 0.5)),
      randomRows(1),
    );
    expect(scale).toBeGreaterThan(1e-2);
    expect(error).toBeLessThan(2e-3);
  });

  it('batch-hard triplet', () => {
    const { error, scale } = gradientError(
      throughNorm((z) => batchHardTripletLoss(z, labels, rows, dim, 1.5)),
      randomRows(2),
    );
    expect(scale).toBeGreaterThan(1e-2);
    expect(error).toBeLessThan(2e-3);
  });

  it('semi-hard triplet', () => {
    const { error, scale } = gradientError(
      throughNorm((z) => semiHardTripletLoss(z, labels, rows, dim, 1.5)),
      randomRows(6),
    );
    expect(scale).toBeGreaterThan(1e-2);
    expect(error).toBeLessThan(2e-3);
  });

  it('softmax cross-entropy', () => {
    const { error } = gradientError((x) => softmaxCrossEntropy(x, [0, 2, 1, 4, 3, 0], rows, dim), randomRows(3));
    expect(error).toBeLessThan(1e-3);
  });

  it('MLP backward (ReLU + linear layers) matches finite differences of the weights', () => {
    const rng = new Random(4);
    const layers = [
      createLayer({ inputs: 4, outputs: 7, activation: 'relu', bias: true }, rng),
      createLayer({ inputs: 7, outputs: dim, activation: 'none', bias: true }, rng),
    ];
    const x = randomRows(5, rows * 4);
    const lossOf = () => supConLoss(l2NormalizeRows(forward(layers, x, rows).outputs[2], rows, dim).z, labels, rows, dim, 0.3).loss;
    const trace = forward(layers, x, rows);
    const { z, norms } = l2NormalizeRows(trace.outputs[2], rows, dim);
    const g = l2NormalizeBackward(z, norms, supConLoss(z, labels, rows, dim, 0.3).grad, rows, dim);
    const grads = zeroGradients(layers);
    backward(layers, trace, g, grads);
    for (const [k, what] of [
      [0, 'weights'],
      [0, 'bias'],
      [1, 'weights'],
      [1, 'bias'],
    ] as const) {
      const p = layers[k][what]!;
      const gp = grads[k][what]!;
      for (let i = 0; i < p.length; i += 3) {
        const old = p[i];
        p[i] = old + 1e-3;
        const up = lossOf();
        p[i] = old - 1e-3;
        const down = lossOf();
        p[i] = old;
        expect(Math.abs((up - down) / 2e-3 - gp[i])).toBeLessThan(3e-3);
      }
    }
  });

  it('supcon is low when classes are separated and high when they are mixed', () => {
    const sep = new Float32Array(rows * dim);
    labels.forEach((y, r) => (sep[r * dim + y] = 1));
    const mixed = new Float32Array(rows * dim);
    labels.forEach((_, r) => (mixed[r * dim + (r % 3)] = 1)); // same direction for different labels
    expect(supConLoss(sep, labels, rows, dim, 0.1).loss).toBeLessThan(0.01);
    expect(supConLoss(mixed, labels, rows, dim, 0.1).loss).toBeGreaterThan(5);
    expect(batchHardTripletLoss(sep, labels, rows, dim, 0.2).loss).toBe(0);
    expect(semiHardTripletLoss(sep, labels, rows, dim, 0.2).loss).toBe(0);
    expect(semiHardTripletLoss(mixed, labels, rows, dim, 0.2).loss).toBeGreaterThan(0.2);
  });
});
