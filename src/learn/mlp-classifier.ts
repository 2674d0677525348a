import { UsageError } from '../errors.js';
import { activate, activationBackward, type HiddenActivation } from './activations.js';
import { createLinearLayer, linearBackward, linearForward, type LinearLayer } from './dense-linear.js';
import { applyMask, dropoutMask } from './dropout.js';
import type { FeatureRows } from './feature-rows.js';
import { InputLayer, type InputLayerGradient } from './input-layer.js';
import type { Random } from './random.js';

/**
 * A multilayer perceptron classifier: an {@link InputLayer} over sparse + dense features, more
 * hidden fully connected layers, each followed by the activation (and dropout while training),
 * and a linear output layer giving one logit per class.
 */
export interface MlpClassifierNet {
  activation: HiddenActivation;
  input: InputLayer;
  /** Hidden layers after the first (empty for one hidden layer). */
  hidden: LinearLayer[];
  output: LinearLayer;
}

/** What a training forward pass keeps for {@link mlpBackward}. */
export interface MlpTrace {
  batch: ArrayLike<number>;
  /** Pre-activation of every hidden layer (the input layer first). */
  pre: Float32Array[];
  /** Output of every hidden layer after activation and dropout. */
  post: Float32Array[];
  masks: (Float32Array | undefined)[];
  logits: Float32Array;
}

/** Parameter gradients of one batch. */
export interface MlpGradients {
  input: InputLayerGradient;
  hidden: { weights: Float32Array; bias: Float32Array }[];
  output: { weights: Float32Array; bias: Float32Array };
}

/**
 * A network with He initialisation (He et al. 2015: N(0, 2/fan_in) before ReLU/GELU layers) and
 * N(0, 1/fan_in) for the output layer; biases zero.
 */
export function createMlpClassifierNet(
  inputs: number,
  hidden: readonly number[],
  classes: number,
  activation: HiddenActivation,
  rng: Random,
): MlpClassifierNet {
  if (hidden.length === 0) throw new UsageError('an MLP needs at least one hidden layer (without one it is logistic regression)');
  for (const h of hidden)
    if (!Number.isSafeInteger(h) || h < 1) throw new UsageError(`hidden layer sizes must be positive integers, got ${hidden.join(',')}`);
  const gaussian = () => rng.gaussian();
  const input = InputLayer.create(inputs, hidden[0], Math.sqrt(2 / inputs), rng);
  const layers: LinearLayer[] = [];
  for (let l = 1; l < hidden.length; l++) layers.push(createLinearLayer(hidden[l - 1], hidden[l], Math.sqrt(2 / hidden[l - 1]), gaussian));
  const last = hidden[hidden.length - 1];
  return { activation, input, hidden: layers, output: createLinearLayer(last, classes, Math.sqrt(1 / last), gaussian) };
}

/** Forward pass over rows `batch` of `x`; with `dropout`, masks each hidden layer's output. */
export function mlpForward(
  net: MlpClassifierNet,
  x: FeatureRows,
  batch: ArrayLike<number>,
  dropout?: { rate: number; rng: Random },
): MlpTrace {
  const rows = batch.length;
  const pre: Float32Array[] = [];
  const post: Float32Array[] = [];
  const masks: (Float32Array | undefined)[] = [];
  const layer = (p: Float32Array) => {
    const h = activate(p, net.activation);
    const mask = dropout && dropout.rate > 0 ? dropoutMask(h.length, dropout.rate, dropout.rng) : undefined;
    if (mask) applyMask(h, mask);
    pre.push(p);
    post.push(h);
    masks.push(mask);
    return h;
  };
  let h = layer(net.input.forward(x, batch));
  for (const l of net.hidden) h = layer(linearForward(l, h, rows));
  return { batch, pre, post, masks, logits: linearForward(net.output, h, rows) };
}

/** Backpropagation of dLoss/dLogits (`batch × classes`) through a traced forward pass. */
export function mlpBackward(net: MlpClassifierNet, x: FeatureRows, trace: MlpTrace, gradLogits: Float32Array): MlpGradients {
  const rows = trace.batch.length;
  const last = trace.post.length - 1;
  const out = linearBackward(net.output, trace.post[last], gradLogits, rows);
  let g = out.input;
  const hidden: { weights: Float32Array; bias: Float32Array }[] = new Array(net.hidden.length);
  for (let l = last; l >= 1; l--) {
    if (trace.masks[l]) applyMask(g, trace.masks[l]!);
    activationBackward(trace.pre[l], g, net.activation);
    const b = linearBackward(net.hidden[l - 1], trace.post[l - 1], g, rows);
    hidden[l - 1] = { weights: b.weights, bias: b.bias };
    g = b.input;
  }
  if (trace.masks[0]) applyMask(g, trace.masks[0]!);
  activationBackward(trace.pre[0], g, net.activation);
  return { input: net.input.backward(x, trace.batch, g), hidden, output: { weights: out.weights, bias: out.bias } };
}

/** Class probabilities (softmax of the logits, no dropout), `x.rows × classes`, in chunks of rows. */
export function mlpProbabilities(net: MlpClassifierNet, x: FeatureRows): Float64Array {
  const K = net.output.outputs;
  const out = new Float64Array(x.rows * K);
  const chunk = 512;
  for (let r0 = 0; r0 < x.rows; r0 += chunk) {
    const batch = Array.from({ length: Math.min(chunk, x.rows - r0) }, (_, i) => r0 + i);
    const { logits } = mlpForward(net, x, batch);
    for (let b = 0; b < batch.length; b++) {
      const o = b * K;
      let max = -Infinity;
      for (let k = 0; k < K; k++) max = Math.max(max, logits[o + k]);
      let sum = 0;
      for (let k = 0; k < K; k++) sum += out[(r0 + b) * K + k] = Math.exp(logits[o + k] - max);
      for (let k = 0; k < K; k++) out[(r0 + b) * K + k] /= sum;
    }
  }
  return out;
}
