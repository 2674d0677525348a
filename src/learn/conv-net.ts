import { UsageError } from '../errors.js';
import { conv2dBackward, conv2dForward, createConv2d, type Conv2dLayer } from './conv2d.js';
import { denseBackward } from './dense-backward.js';
import { createLayer, denseForward, type DenseLayer, type LayerShape } from './mlp.js';
import { maxPool2dBackward, maxPool2dForward, type MaxPoolResult } from './pool2d.js';
import type { Random } from './random.js';

/** One block of a {@link ConvNet}: convolution ("same" padding), ReLU, then max pooling. */
export interface ConvBlockShape {
  channels: number;
  kernel: number;
  /** Pooling window (height, width); [1, 1] = none. */
  pool: [number, number];
}

/** Architecture of a {@link ConvNet} (as stored in files). */
export interface ConvNetShape {
  /** Input tensor of one sample: channels × height × width. */
  input: [number, number, number];
  blocks: ConvBlockShape[];
  /** Dense layers on the flattened output of the last block; the last one gives the network's output. */
  dense: LayerShape[];
}

/**
 * A small VGG-style CNN (Simonyan & Zisserman 2015; VGGish's layout): conv–ReLU–max-pool blocks,
 * flattened, then dense layers. Forward and backward for training with any loss on its output.
 */
export interface ConvNet {
  shape: ConvNetShape;
  convs: Conv2dLayer[];
  dense: DenseLayer[];
}

/** Channels × height × width after each block (index 0: the input). */
export function blockDims(shape: ConvNetShape): [number, number, number][] {
  const dims: [number, number, number][] = [shape.input];
  for (const b of shape.blocks) {
    const [, h, w] = dims[dims.length - 1];
    const oh = Math.floor(h / b.pool[0]);
    const ow = Math.floor(w / b.pool[1]);
    if (oh < 1 || ow < 1)
      throw new UsageError(`the pooling of the conv blocks leaves nothing of a ${shape.input[1]} × ${shape.input[2]} input`);
    dims.push([b.channels, oh, ow]);
  }
  return dims;
}

/** Size of the flattened output of the last block (the input of the first dense layer). */
export function flatSize(shape: ConvNetShape): number {
  const [c, h, w] = blockDims(shape)[shape.blocks.length];
  return c * h * w;
}

/** Checks the chain of sizes of `shape`; throws UsageError naming the first problem. */
export function checkConvNetShape(shape: ConvNetShape): void {
  const [c, h, w] = shape.input;
  for (const v of [c, h, w])
    if (!Number.isSafeInteger(v) || v < 1 || v > 1 << 16) throw new UsageError(`invalid input shape ${shape.input.join(' × ')}`);
  shape.blocks.forEach((b, i) => {
    if (!Number.isSafeInteger(b.channels) || b.channels < 1 || b.channels > 4096)
      throw new UsageError(`block ${i}: channels must be in 1 .. 4096`);
    if (!Number.isSafeInteger(b.kernel) || b.kernel < 1 || b.kernel > 31 || b.kernel % 2 === 0)
      throw new UsageError(`block ${i}: kernel must be odd, 1 .. 31`);
    if (!b.pool.every((p) => Number.isSafeInteger(p) && p >= 1 && p <= 64))
      throw new UsageError(`block ${i}: pool sizes must be in 1 .. 64`);
  });
  let width = flatSize(shape);
  if (shape.dense.length === 0) throw new UsageError('a conv net needs at least one dense layer');
  shape.dense.forEach((l, i) => {
    if (l.inputs !== width) throw new UsageError(`dense layer ${i} takes ${l.inputs} inputs but receives ${width}`);
    width = l.outputs;
  });
}

/** A network of `shape` with He-initialised weights (seeded). */
export function createConvNet(shape: ConvNetShape, rng: Random): ConvNet {
  checkConvNetShape(shape);
  const convs: Conv2dLayer[] = [];
  let channels = shape.input[0];
  for (const b of shape.blocks) {
    convs.push(createConv2d(channels, b.channels, b.kernel, rng));
    channels = b.channels;
  }
  return { shape, convs, dense: shape.dense.map((s) => createLayer(s, rng)) };
}

/** The parameter arrays (conv weights and biases, then dense ones), the order of {@link zeroConvNetGradients}. */
export function convNetParameters(net: ConvNet): Float32Array[] {
  return [...net.convs.flatMap((c) => [c.weights, c.bias]), ...net.dense.flatMap((l) => (l.bias ? [l.weights, l.bias] : [l.weights]))];
}

/** Zeroed gradient arrays, one per parameter array. */
export function zeroConvNetGradients(net: ConvNet): Float32Array[] {
  return convNetParameters(net).map((p) => new Float32Array(p.length));
}

/** What the forward pass keeps for the backward pass. */
export interface ConvNetTrace {
  n: number;
  /** Input of each block (index 0: the network input), then the flattened input of the dense layers. */
  inputs: Float32Array[];
  /** Output of each conv after ReLU, before pooling. */
  activations: Float32Array[];
  pools: MaxPoolResult[];
  /** Dropout mask of the dense input (scale 1/(1 − p) where kept, 0 where dropped), if any. */
  dropMask?: Float32Array;
  /** Input of each dense layer (after dropout for the first), then the network output. */
  denseInputs: Float32Array[];
}

/** Options of {@link convNetForward}. */
export interface ForwardOptions {
  /** Dropout probability on the flattened conv features (training only). Default 0. */
  dropout?: number;
  /** Draws the dropout mask (needed when dropout > 0). */
  rng?: Random;
}

/** Runs the network on `n` samples (`n × c × h × w`); the output is the last of `denseInputs`. */
export function convNetForward(net: ConvNet, x: Float32Array, n: number, options: ForwardOptions = {}): ConvNetTrace {
  const dims = blockDims(net.shape);
  const inputs = [x];
  const activations: Float32Array[] = [];
  const pools: MaxPoolResult[] = [];
  net.convs.forEach((layer, i) => {
    const [, h, w] = dims[i];
    const a = conv2dForward(layer, inputs[i], n, h, w);
    for (let j = 0; j < a.length; j++) if (a[j] < 0) a[j] = 0;
    activations.push(a);
    const [ph, pw] = net.shape.blocks[i].pool;
    const p = maxPool2dForward(a, n, layer.outChannels, h, w, ph, pw);
    pools.push(p);
    inputs.push(p.y);
  });
  let flat = inputs[inputs.length - 1];
  let dropMask: Float32Array | undefined;
  const p = options.dropout ?? 0;
  if (p > 0) {
    if (!options.rng) throw new UsageError('dropout needs a seeded rng');
    dropMask = new Float32Array(flat.length);
    const keep = 1 / (1 - p);
    flat = flat.slice();
    for (let j = 0; j < flat.length; j++) {
      dropMask[j] = options.rng.uniform() < p ? 0 : keep;
      flat[j] *= dropMask[j];
    }
  }
  const denseInputs = [flat];
  for (const layer of net.dense) denseInputs.push(denseForward(layer, denseInputs[denseInputs.length - 1], n));
  return { n, inputs, activations, pools, ...(dropMask ? { dropMask } : {}), denseInputs };
}

/** The network output (no dropout): `n × outputs`. */
export function convNetPredict(net: ConvNet, x: Float32Array, n: number): Float32Array {
  const t = convNetForward(net, x, n);
  return t.denseInputs[t.denseInputs.length - 1];
}

/** Backpropagation of dL/d(output) through the network; adds into `grads` (order of {@link convNetParameters}). */
export function convNetBackward(net: ConvNet, trace: ConvNetTrace, gradOut: Float32Array, grads: Float32Array[]): void {
  const { n } = trace;
  const dims = blockDims(net.shape);
  let g = gradOut;
  let gi = 2 * net.convs.length;
  const denseSlots = net.dense.map((l) => {
    const slot = { w: grads[gi], b: l.bias ? grads[gi + 1] : undefined };
    gi += l.bias ? 2 : 1;
    return slot;
  });
  for (let k = net.dense.length - 1; k >= 0; k--) {
    const gx = denseBackward(net.dense[k], trace.denseInputs[k], trace.denseInputs[k + 1], g, n, denseSlots[k].w, denseSlots[k].b);
    g = gx as Float32Array;
  }
  if (trace.dropMask) g = g.map((v, j) => v * trace.dropMask![j]);
  for (let i = net.convs.length - 1; i >= 0; i--) {
    const layer = net.convs[i];
    const [, h, w] = dims[i];
    const a = trace.activations[i];
    const ga = maxPool2dBackward(g, trace.pools[i].argmax, a.length);
    for (let j = 0; j < ga.length; j++) if (!(a[j] > 0)) ga[j] = 0;
    const gx = conv2dBackward(layer, trace.inputs[i], n, h, w, ga, { weights: grads[2 * i], bias: grads[2 * i + 1] }, i > 0);
    if (gx) g = gx;
  }
}
