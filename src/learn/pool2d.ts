/** Output of {@link maxPool2dForward}: pooled values and, for the backward pass, where each came from. */
export interface MaxPoolResult {
  y: Float32Array;
  /** Index into the input of each output's maximum. */
  argmax: Int32Array;
  height: number;
  width: number;
}

/**
 * Max pooling over non-overlapping `ph × pw` windows of `n × channels × height × width` (NCHW);
 * trailing rows/columns that do not fill a window are dropped (floor), as PyTorch's MaxPool2d.
 * Ties go to the first maximum in row-major order.
 */
export function maxPool2dForward(
  x: Float32Array,
  n: number,
  channels: number,
  height: number,
  width: number,
  ph: number,
  pw: number,
): MaxPoolResult {
  const oh = Math.floor(height / ph);
  const ow = Math.floor(width / pw);
  const y = new Float32Array(n * channels * oh * ow);
  const argmax = new Int32Array(y.length);
  let o = 0;
  for (let plane = 0; plane < n * channels; plane++) {
    const base = plane * height * width;
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++, o++) {
        let best = base + i * ph * width + j * pw;
        let max = x[best];
        for (let a = 0; a < ph; a++)
          for (let b = 0; b < pw; b++) {
            const at = base + (i * ph + a) * width + j * pw + b;
            if (x[at] > max) [max, best] = [x[at], at];
          }
        y[o] = max;
        argmax[o] = best;
      }
  }
  return { y, argmax, height: oh, width: ow };
}

/** dL/dx of max pooling: each output's gradient goes to the input it took (`inputSize` values). */
export function maxPool2dBackward(gradOut: Float32Array, argmax: Int32Array, inputSize: number): Float32Array {
  const gx = new Float32Array(inputSize);
  for (let i = 0; i < gradOut.length; i++) gx[argmax[i]] += gradOut[i];
  return gx;
}
