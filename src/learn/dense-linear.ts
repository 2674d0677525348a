import { matMulT } from '../math/dense.js';

/** A fully connected layer `y = x Wᵀ + b`, W row-major `outputs × inputs` (no activation). */
export interface LinearLayer {
  inputs: number;
  outputs: number;
  weights: Float32Array;
  bias: Float32Array;
}

/** Gaussian weights N(0, scale²), zero biases. */
export function createLinearLayer(inputs: number, outputs: number, scale: number, gaussian: () => number): LinearLayer {
  const weights = new Float32Array(inputs * outputs);
  for (let i = 0; i < weights.length; i++) weights[i] = gaussian() * scale;
  return { inputs, outputs, weights, bias: new Float32Array(outputs) };
}

/** `rows × outputs` = x Wᵀ + b for `rows × inputs` x. */
export function linearForward(layer: LinearLayer, x: Float32Array, rows: number): Float32Array {
  const { inputs: n, outputs: m } = layer;
  const y = new Float32Array(rows * m);
  matMulT(x, rows, layer.weights, 0, m, n, y);
  for (let r = 0; r < rows; r++) for (let o = 0; o < m; o++) y[r * m + o] += layer.bias[o];
  return y;
}

/** Gradients of a {@link linearForward}: dW = gᵀ x, db = Σ_rows g, and dx = g W. */
export function linearBackward(
  layer: LinearLayer,
  x: Float32Array,
  g: Float32Array,
  rows: number,
): { weights: Float32Array; bias: Float32Array; input: Float32Array } {
  const { inputs: n, outputs: m, weights: w } = layer;
  const gw = new Float32Array(m * n);
  const gb = new Float32Array(m);
  const gx = new Float32Array(rows * n);
  for (let r = 0; r < rows; r++) {
    const xo = r * n;
    for (let o = 0; o < m; o++) {
      const d = g[r * m + o];
      if (d === 0) continue;
      gb[o] += d;
      const wo = o * n;
      for (let i = 0; i < n; i++) {
        gw[wo + i] += d * x[xo + i];
        gx[xo + i] += d * w[wo + i];
      }
    }
  }
  return { weights: gw, bias: gb, input: gx };
}
