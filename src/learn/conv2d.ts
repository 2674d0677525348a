import { UsageError } from '../errors.js';
import { convBackward, convForward, type ConvShape } from './conv-kernel.js';
import type { Random } from './random.js';

/**
 * A 2-D convolution layer: stride 1, "same" zero padding (odd square kernels), NCHW tensors.
 * `weights` is `outChannels × (inChannels·kernel·kernel)` row-major (PyTorch's `Conv2d.weight`
 * flattened), `bias` has `outChannels` values. The products run in the WASM SIMD kernel
 * (src/kernels/c/conv.c).
 */
export interface Conv2dLayer {
  inChannels: number;
  outChannels: number;
  kernel: number;
  weights: Float32Array;
  bias: Float32Array;
}

/** Gradients of a {@link Conv2dLayer}'s parameters, same layout. */
export interface Conv2dGradients {
  weights: Float32Array;
  bias: Float32Array;
}

function count(name: string, v: unknown, max: number): number {
  if (!Number.isSafeInteger(v) || (v as number) < 1 || (v as number) > max)
    throw new UsageError(`${name} must be an integer in 1 .. ${max}, got ${String(v)}`);
  return v as number;
}

/** A layer with He initialisation (He et al. 2015: N(0, 2/fan_in), for ReLU) and zero biases. */
export function createConv2d(inChannels: number, outChannels: number, kernel: number, rng: Random): Conv2dLayer {
  count('inChannels', inChannels, 4096);
  count('outChannels', outChannels, 4096);
  count('kernel', kernel, 31);
  if (kernel % 2 === 0) throw new UsageError(`kernel must be odd ("same" padding), got ${kernel}`);
  const fanIn = inChannels * kernel * kernel;
  const scale = Math.sqrt(2 / fanIn);
  const weights = new Float32Array(outChannels * fanIn);
  for (let i = 0; i < weights.length; i++) weights[i] = rng.gaussian() * scale;
  return { inChannels, outChannels, kernel, weights, bias: new Float32Array(outChannels) };
}

function shapeOf(layer: Conv2dLayer, x: Float32Array, n: number, height: number, width: number): ConvShape {
  const s = { n, c: layer.inChannels, h: height, w: width, o: layer.outChannels, k: layer.kernel };
  if (x.length !== n * s.c * height * width)
    throw new UsageError(`conv2d: expected ${n} × ${s.c} × ${height} × ${width} input values, got ${x.length}`);
  return s;
}

/** `n × outChannels × height × width` outputs (before any activation) of `n × inChannels × height × width` inputs. */
export function conv2dForward(layer: Conv2dLayer, x: Float32Array, n: number, height: number, width: number): Float32Array {
  return convForward(shapeOf(layer, x, n, height, width), x, layer.weights, layer.bias);
}

/**
 * Backpropagation through {@link conv2dForward}: adds the parameter gradients for dL/dy `gradOut`
 * into `grads` and returns dL/dx (undefined when `inputGradient` is false).
 */
export function conv2dBackward(
  layer: Conv2dLayer,
  x: Float32Array,
  n: number,
  height: number,
  width: number,
  gradOut: Float32Array,
  grads: Conv2dGradients,
  inputGradient = true,
): Float32Array | undefined {
  const s = shapeOf(layer, x, n, height, width);
  if (gradOut.length !== n * s.o * height * width)
    throw new UsageError(`conv2d: gradient of ${gradOut.length} values for ${n * s.o * height * width} outputs`);
  return convBackward(s, x, layer.weights, gradOut, grads.weights, grads.bias, inputGradient);
}
