import { UsageError } from '../errors.js';
import { matMulT } from '../math/dense.js';
import type { Random } from './random.js';

/** Activation applied after a layer. */
export type Activation = 'relu' | 'none';

/** One dense layer `y = W x + b` (W row-major `outputs × inputs`), then its activation. */
export interface DenseLayer {
  inputs: number;
  outputs: number;
  activation: Activation;
  weights: Float32Array;
  /** Absent for a layer without bias (e.g. the DeViSE linear map). */
  bias?: Float32Array;
}

/** Shape of a layer, as stored in files. */
export interface LayerShape {
  inputs: number;
  outputs: number;
  activation: Activation;
  bias: boolean;
}

/** Values a forward pass keeps for the backward pass: the input and every layer's output. */
export interface ForwardTrace {
  rows: number;
  /** `outputs[0]` is the input; `outputs[k + 1]` the output (after activation) of layer k. */
  outputs: Float32Array[];
}

/** Gradients of every layer's parameters, same layout as the layers. */
export interface LayerGradients {
  weights: Float32Array;
  bias?: Float32Array;
}

/** Parameters initialised for ReLU layers (He et al. 2015: N(0, 2/fan_in)), N(0, 1/fan_in) for linear ones; biases zero. */
export function createLayer(shape: LayerShape, rng: Random): DenseLayer {
  const { inputs, outputs } = shape;
  if (!Number.isSafeInteger(inputs) || inputs < 1 || !Number.isSafeInteger(outputs) || outputs < 1) {
    throw new UsageError(`layer sizes must be positive integers, got ${inputs} → ${outputs}`);
  }
  const scale = Math.sqrt((shape.activation === 'relu' ? 2 : 1) / inputs);
  const weights = new Float32Array(inputs * outputs);
  for (let i = 0; i < weights.length; i++) weights[i] = rng.gaussian() * scale;
  return { inputs, outputs, activation: shape.activation, weights, ...(shape.bias ? { bias: new Float32Array(outputs) } : {}) };
}

export function shapeOf(layer: DenseLayer): LayerShape {
  return { inputs: layer.inputs, outputs: layer.outputs, activation: layer.activation, bias: layer.bias !== undefined };
}

/** `rows × layer.outputs` = activation(x W^T + b) for `rows × layer.inputs` x. */
export function denseForward(layer: DenseLayer, x: Float32Array, rows: number): Float32Array {
  const { inputs: n, outputs: m, weights: w, bias } = layer;
  const y = new Float32Array(rows * m);
  matMulT(x, rows, w, 0, m, n, y);
  if (bias || layer.activation === 'relu') {
    for (let r = 0; r < rows; r++) {
      for (let o = 0; o < m; o++) {
        const s = y[r * m + o] + (bias ? bias[o] : 0);
        y[r * m + o] = layer.activation === 'relu' && s < 0 ? 0 : s;
      }
    }
  }
  return y;
}

/** The transpose of a row-major `rows × cols` matrix. */
function transpose(a: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(a.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = a[r * cols + c];
  return t;
}

/** Runs all layers, keeping every output for {@link backward}. */
export function forward(layers: readonly DenseLayer[], x: Float32Array, rows: number): ForwardTrace {
  const outputs = [x];
  for (const layer of layers) outputs.push(denseForward(layer, outputs[outputs.length - 1], rows));
  return { rows, outputs };
}

/** Output of the last layer only. */
export function predict(layers: readonly DenseLayer[], x: Float32Array, rows: number): Float32Array {
  let h = x;
  for (const layer of layers) h = denseForward(layer, h, rows);
  return h;
}

/** Zeroed gradient buffers for `layers`. */
export function zeroGradients(layers: readonly DenseLayer[]): LayerGradients[] {
  return layers.map((l) => ({ weights: new Float32Array(l.weights.length), ...(l.bias ? { bias: new Float32Array(l.outputs) } : {}) }));
}

/**
 * Backpropagation: given dLoss/dOutput of the last layer (`rows × outputs`), adds the parameter
 * gradients into `grads`. Returns nothing useful for the network input (frozen backbone): an empty array.
 */
export function backward(layers: readonly DenseLayer[], trace: ForwardTrace, gradOut: Float32Array, grads: LayerGradients[]): Float32Array {
  const rows = trace.rows;
  let g = gradOut;
  for (let k = layers.length - 1; k >= 0; k--) {
    const { inputs: n, outputs: m, weights: w, activation } = layers[k];
    const y = trace.outputs[k + 1];
    // ReLU passes the gradient only where its output was positive.
    const d = activation === 'relu' ? g.map((v, i) => (y[i] > 0 ? v : 0)) : g;
    const gb = grads[k].bias;
    if (gb) for (let r = 0; r < rows; r++) for (let o = 0; o < m; o++) gb[o] += d[r * m + o];
    // dL/dW = dᵀ x  (outputs × inputs), as (dᵀ)(xᵀ)ᵀ.
    const gw = new Float32Array(m * n);
    matMulT(transpose(d, rows, m), m, transpose(trace.outputs[k], rows, n), 0, n, rows, gw);
    const acc = grads[k].weights;
    for (let i = 0; i < acc.length; i++) acc[i] += gw[i];
    // dL/dx = d W (rows × inputs); not needed for the first layer (the backbone is frozen).
    if (k === 0) return new Float32Array(0);
    const gx = new Float32Array(rows * n);
    matMulT(d, rows, transpose(w, m, n), 0, n, m, gx);
    g = gx;
  }
  return new Float32Array(0);
}
