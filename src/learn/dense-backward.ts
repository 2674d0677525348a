import type { DenseLayer } from './mlp.js';

/**
 * Backpropagation through one dense layer of mlp.ts (`y = act(x Wᵀ + b)`, `rows` rows) given dL/dy:
 * adds dL/dW and dL/db into `gradWeights`/`gradBias` and returns dL/dx (`rows × inputs`), or
 * undefined when `inputGradient` is false. Unlike `backward` of mlp.ts, it also gives the input
 * gradient, for layers on top of trainable ones (a CNN's dense head).
 */
export function denseBackward(
  layer: DenseLayer,
  x: Float32Array,
  y: Float32Array,
  gradOut: Float32Array,
  rows: number,
  gradWeights: Float32Array,
  gradBias: Float32Array | undefined,
  inputGradient = true,
): Float32Array | undefined {
  const { inputs: n, outputs: m, weights: w } = layer;
  // ReLU passes the gradient only where its output was positive.
  const d = layer.activation === 'relu' ? gradOut.map((v, i) => (y[i] > 0 ? v : 0)) : gradOut;
  for (let r = 0; r < rows; r++) {
    const xr = r * n;
    for (let o = 0; o < m; o++) {
      const g = d[r * m + o];
      if (g === 0) continue;
      if (gradBias) gradBias[o] += g;
      const wr = o * n;
      for (let i = 0; i < n; i++) gradWeights[wr + i] += g * x[xr + i];
    }
  }
  if (!inputGradient) return undefined;
  const gx = new Float32Array(rows * n);
  for (let r = 0; r < rows; r++) {
    const xr = r * n;
    for (let o = 0; o < m; o++) {
      const g = d[r * m + o];
      if (g === 0) continue;
      const wr = o * n;
      for (let i = 0; i < n; i++) gx[xr + i] += g * w[wr + i];
    }
  }
  return gx;
}
