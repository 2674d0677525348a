/**
 * The convolution, pooling and CNN layers of src/learn against a direct float64 convolution and
 * finite differences (gradient checks), and their determinism.
 */
import { describe, expect, it } from 'vitest';
import { conv2dBackward, conv2dForward, createConv2d, type Conv2dLayer } from '../../src/learn/conv2d.js';
import {
  convNetBackward,
  convNetForward,
  convNetParameters,
  createConvNet,
  flatSize,
  zeroConvNetGradients,
  type ConvNetShape,
} from '../../src/learn/conv-net.js';
import { denseBackward } from '../../src/learn/dense-backward.js';
import { createLayer, denseForward } from '../../src/learn/mlp.js';
import { maxPool2dBackward, maxPool2dForward } from '../../src/learn/pool2d.js';
import { Random } from '../../src/learn/random.js';

function randomArray(n: number, rng: Random, scale = 1): Float32Array {
  return Float32Array.from({ length: n }, () => rng.gaussian() * scale);
}

/** Direct "same" convolution in float64 (the definition). */
function referenceConv(layer: Conv2dLayer, x: Float32Array, n: number, h: number, w: number): Float64Array {
  const { inChannels: C, outChannels: O, kernel: k, weights, bias } = layer;
  const p = k >> 1;
  const y = new Float64Array(n * O * h * w);
  for (let s = 0; s < n; s++)
    for (let o = 0; o < O; o++)
      for (let i = 0; i < h; i++)
        for (let j = 0; j < w; j++) {
          let v = bias[o];
          for (let c = 0; c < C; c++)
            for (let a = 0; a < k; a++)
              for (let b = 0; b < k; b++) {
                const yi = i + a - p;
                const xj = j + b - p;
                if (yi < 0 || yi >= h || xj < 0 || xj >= w) continue;
                v += weights[((o * C + c) * k + a) * k + b] * x[((s * C + c) * h + yi) * w + xj];
              }
          y[((s * O + o) * h + i) * w + j] = v;
        }
  return y;
}

function dot64(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Central finite difference of f with respect to a[i]. */
function numeric(a: Float32Array, i: number, f: () => number, eps: number): number {
  const keep = a[i];
  a[i] = keep + eps;
  const up = f();
  a[i] = keep - eps;
  const down = f();
  a[i] = keep;
  return (up - down) / (2 * eps);
}

const SHAPES = [
  { n: 2, c: 3, h: 5, w: 7, o: 5, k: 3 },
  { n: 1, c: 1, h: 9, w: 16, o: 8, k: 3 },
  { n: 3, c: 4, h: 6, w: 4, o: 3, k: 5 },
  { n: 2, c: 2, h: 3, w: 11, o: 6, k: 1 },
];

describe('conv2d', () => {
  for (const s of SHAPES) {
    const label = `${s.n}×${s.c}×${s.h}×${s.w} → ${s.o} channels, ${s.k}×${s.k}`;
    it(`forward equals the direct convolution (${label})`, () => {
      const rng = new Random(7);
      const layer = createConv2d(s.c, s.o, s.k, rng);
      layer.bias.set(randomArray(s.o, rng));
      const x = randomArray(s.n * s.c * s.h * s.w, rng);
      const y = conv2dForward(layer, x, s.n, s.h, s.w);
      const want = referenceConv(layer, x, s.n, s.h, s.w);
      expect(y.length).toBe(want.length);
      for (let i = 0; i < y.length; i++) expect(y[i]).toBeCloseTo(want[i], 4);
    });

    it(`backward matches finite differences (${label})`, () => {
      const rng = new Random(11);
      const layer = createConv2d(s.c, s.o, s.k, rng);
      layer.bias.set(randomArray(s.o, rng));
      const x = randomArray(s.n * s.c * s.h * s.w, rng);
      const r = randomArray(s.n * s.o * s.h * s.w, rng); // L = Σ r · y
      const loss = () => dot64(r, conv2dForward(layer, x, s.n, s.h, s.w));
      const grads = { weights: new Float32Array(layer.weights.length), bias: new Float32Array(s.o) };
      const gx = conv2dBackward(layer, x, s.n, s.h, s.w, r, grads)!;
      const check = (analytic: number, a: Float32Array, i: number) =>
        expect(Math.abs(analytic - numeric(a, i, loss, 1e-2))).toBeLessThan(2e-3 * (1 + Math.abs(analytic)));
      for (let i = 0; i < layer.weights.length; i += 3) check(grads.weights[i], layer.weights, i);
      for (let i = 0; i < s.o; i++) check(grads.bias[i], layer.bias, i);
      for (let i = 0; i < x.length; i += 2) check(gx[i], x, i);
      // Gradients accumulate; no input gradient when not asked for.
      const again = conv2dBackward(layer, x, s.n, s.h, s.w, r, grads, false);
      expect(again).toBeUndefined();
      const single = { weights: new Float32Array(layer.weights.length), bias: new Float32Array(s.o) };
      conv2dBackward(layer, x, s.n, s.h, s.w, r, single, false);
      for (let i = 0; i < single.weights.length; i++) expect(grads.weights[i]).toBeCloseTo(2 * single.weights[i], 4);
    });
  }

  it('rejects inputs of the wrong size and even kernels', () => {
    const layer = createConv2d(2, 3, 3, new Random(1));
    expect(() => conv2dForward(layer, new Float32Array(10), 1, 3, 3)).toThrow(/expected 1 × 2 × 3 × 3 input values, got 10/);
    expect(() => createConv2d(2, 3, 4, new Random(1))).toThrow(/odd/);
  });
});

describe('max pooling', () => {
  it('takes window maxima (floor of odd sizes) and routes gradients to them', () => {
    const rng = new Random(3);
    const [n, c, h, w] = [2, 3, 5, 6];
    const x = randomArray(n * c * h * w, rng);
    const p = maxPool2dForward(x, n, c, h, w, 2, 2);
    expect([p.height, p.width]).toEqual([2, 3]);
    expect(p.y[0]).toBe(Math.max(x[0], x[1], x[6], x[7]));
    const r = randomArray(p.y.length, rng);
    const loss = () => dot64(r, maxPool2dForward(x, n, c, h, w, 2, 2).y);
    const gx = maxPool2dBackward(r, p.argmax, x.length);
    for (let i = 0; i < x.length; i++) expect(gx[i]).toBeCloseTo(numeric(x, i, loss, 1e-3), 2);
  });
});

describe('dense backward', () => {
  it('gives input and parameter gradients that match finite differences', () => {
    const rng = new Random(5);
    const layer = createLayer({ inputs: 6, outputs: 4, activation: 'relu', bias: true }, rng);
    layer.bias!.set(randomArray(4, rng, 0.3));
    const x = randomArray(3 * 6, rng);
    const r = randomArray(3 * 4, rng);
    const loss = () => dot64(r, denseForward(layer, x, 3));
    const gw = new Float32Array(24);
    const gb = new Float32Array(4);
    const gx = denseBackward(layer, x, denseForward(layer, x, 3), r, 3, gw, gb)!;
    for (let i = 0; i < 24; i++) expect(gw[i]).toBeCloseTo(numeric(layer.weights, i, loss, 1e-3), 2);
    for (let i = 0; i < 4; i++) expect(gb[i]).toBeCloseTo(numeric(layer.bias!, i, loss, 1e-3), 2);
    for (let i = 0; i < x.length; i++) expect(gx[i]).toBeCloseTo(numeric(x, i, loss, 1e-3), 2);
  });
});

describe('conv net', () => {
  const shape: ConvNetShape = {
    input: [1, 8, 12],
    blocks: [
      { channels: 3, kernel: 3, pool: [2, 2] },
      { channels: 4, kernel: 3, pool: [2, 3] },
    ],
    dense: [],
  };
  shape.dense.push(
    { inputs: flatSize(shape), outputs: 5, activation: 'relu', bias: true },
    { inputs: 5, outputs: 3, activation: 'none', bias: true },
  );

  it('backpropagates through blocks, dropout and dense layers (finite differences)', () => {
    expect(flatSize(shape)).toBe(4 * 2 * 2);
    const rng = new Random(9);
    const net = createConvNet(shape, rng);
    for (const p of convNetParameters(net)) for (let i = 0; i < p.length; i++) p[i] += rng.gaussian() * 0.05;
    const n = 2;
    const x = randomArray(n * 8 * 12, rng);
    const r = randomArray(n * 3, rng);
    const dropSeed = 4;
    const loss = () => {
      const t = convNetForward(net, x, n, { dropout: 0.25, rng: new Random(dropSeed) });
      return dot64(r, t.denseInputs[t.denseInputs.length - 1]);
    };
    const trace = convNetForward(net, x, n, { dropout: 0.25, rng: new Random(dropSeed) });
    expect(trace.dropMask?.some((v) => v === 0)).toBe(true);
    const grads = zeroConvNetGradients(net);
    convNetBackward(net, trace, r, grads);
    const params = convNetParameters(net);
    let checked = 0;
    params.forEach((p, k) => {
      for (let i = 0; i < p.length; i += Math.max(1, Math.floor(p.length / 7))) {
        const want = numeric(p, i, loss, 1e-3);
        expect(Math.abs(grads[k][i] - want)).toBeLessThan(2e-2 * (1 + Math.abs(want)));
        checked++;
      }
    });
    expect(checked).toBeGreaterThan(30);
  });

  it('is bit-for-bit repeatable for a seed', () => {
    const run = () => {
      const rng = new Random(21);
      const net = createConvNet(shape, rng);
      const x = randomArray(3 * 8 * 12, rng);
      const t = convNetForward(net, x, 3, { dropout: 0.5, rng });
      const grads = zeroConvNetGradients(net);
      convNetBackward(net, t, randomArray(9, rng), grads);
      return [t.denseInputs[2], ...grads];
    };
    const a = run();
    const b = run();
    a.forEach((v, i) => expect(Buffer.from(v.buffer).equals(Buffer.from(b[i].buffer))).toBe(true));
  });

  it('refuses inconsistent shapes', () => {
    const bad: ConvNetShape = { ...shape, dense: [{ inputs: 7, outputs: 2, activation: 'none', bias: true }] };
    expect(() => createConvNet(bad, new Random(1))).toThrow(/dense layer 0 takes 7 inputs but receives 16/);
    expect(() => createConvNet({ ...shape, blocks: [{ channels: 2, kernel: 3, pool: [16, 2] }] }, new Random(1))).toThrow(/leaves nothing/);
  });
});
