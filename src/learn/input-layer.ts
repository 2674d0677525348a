import { UsageError } from '../errors.js';
import type { FeatureRows } from './feature-rows.js';
import { featureDim } from './feature-rows.js';
import type { Random } from './random.js';

/** The gradient of an {@link InputLayer} for one mini-batch: only the weight rows the batch touched. */
export interface InputLayerGradient {
  /** Input features (weight rows) touched, in first-touch order. */
  rows: Int32Array;
  /** `rows.length × outputs`: the gradient of each touched row. */
  grad: Float32Array;
  bias: Float32Array;
}

/**
 * The first layer of a network over sparse + dense feature rows ({@link FeatureRows}): pre =
 * x W + b with W stored input-major (`inputs × outputs`, row j = the weights of feature j), so a
 * sparse row costs nnz × outputs and never densifies, and the gradient of a mini-batch touches only
 * the rows of the features it holds (what {@link RowAdamW} updates).
 */
export class InputLayer {
  private slot: Int32Array;
  private gradBuffer = new Float32Array(0);

  constructor(
    readonly inputs: number,
    readonly outputs: number,
    readonly weights: Float32Array,
    readonly bias: Float32Array,
  ) {
    if (weights.length !== inputs * outputs || bias.length !== outputs)
      throw new UsageError(`input layer: ${weights.length} weights and ${bias.length} biases for ${inputs} → ${outputs}`);
    this.slot = new Int32Array(inputs).fill(-1);
  }

  /** Gaussian weights N(0, scale²), zero biases. */
  static create(inputs: number, outputs: number, scale: number, rng: Random): InputLayer {
    if (!Number.isSafeInteger(inputs) || inputs < 1 || !Number.isSafeInteger(outputs) || outputs < 1)
      throw new UsageError(`layer sizes must be positive integers, got ${inputs} → ${outputs}`);
    const w = new Float32Array(inputs * outputs);
    for (let i = 0; i < w.length; i++) w[i] = rng.gaussian() * scale;
    return new InputLayer(inputs, outputs, w, new Float32Array(outputs));
  }

  /** Pre-activations (`batch.length × outputs`) of rows `batch` of `x`. */
  forward(x: FeatureRows, batch: ArrayLike<number>): Float32Array {
    if (featureDim(x) !== this.inputs) throw new UsageError(`the network expects ${this.inputs} features, got ${featureDim(x)}`);
    const H = this.outputs;
    const w = this.weights;
    const out = new Float32Array(batch.length * H);
    for (let b = 0; b < batch.length; b++) {
      const i = batch[b];
      const o = b * H;
      out.set(this.bias, o);
      if (x.indptr && x.indices && x.values)
        for (let p = x.indptr[i]; p < x.indptr[i + 1]; p++) {
          const v = x.values[p];
          const base = x.indices[p] * H;
          for (let h = 0; h < H; h++) out[o + h] += v * w[base + h];
        }
      if (x.dense)
        for (let j = 0; j < x.denseDim; j++) {
          const v = x.dense[i * x.denseDim + j];
          if (v === 0) continue;
          const base = (x.sparseDim + j) * H;
          for (let h = 0; h < H; h++) out[o + h] += v * w[base + h];
        }
    }
    return out;
  }

  /** The weight and bias gradients of a batch, given dLoss/dPre (`batch.length × outputs`). */
  backward(x: FeatureRows, batch: ArrayLike<number>, gradPre: Float32Array): InputLayerGradient {
    const H = this.outputs;
    const touched: number[] = [];
    const slotOf = (j: number): number => {
      let s = this.slot[j];
      if (s < 0) {
        s = this.slot[j] = touched.length;
        touched.push(j);
        if ((s + 1) * H > this.gradBuffer.length) {
          const grown = new Float32Array(Math.max(2 * this.gradBuffer.length, (s + 1) * H, 1024 * H));
          grown.set(this.gradBuffer);
          this.gradBuffer = grown;
        }
        this.gradBuffer.fill(0, s * H, (s + 1) * H);
      }
      return s * H;
    };
    const bias = new Float32Array(H);
    for (let b = 0; b < batch.length; b++) {
      const i = batch[b];
      const o = b * H;
      for (let h = 0; h < H; h++) bias[h] += gradPre[o + h];
      if (x.indptr && x.indices && x.values)
        for (let p = x.indptr[i]; p < x.indptr[i + 1]; p++) {
          const v = x.values[p];
          const base = slotOf(x.indices[p]);
          const g = this.gradBuffer;
          for (let h = 0; h < H; h++) g[base + h] += v * gradPre[o + h];
        }
      if (x.dense)
        for (let j = 0; j < x.denseDim; j++) {
          const v = x.dense[i * x.denseDim + j];
          const base = slotOf(x.sparseDim + j);
          const g = this.gradBuffer;
          for (let h = 0; h < H; h++) g[base + h] += v * gradPre[o + h];
        }
    }
    for (const j of touched) this.slot[j] = -1;
    return { rows: Int32Array.from(touched), grad: this.gradBuffer.subarray(0, touched.length * H), bias };
  }
}
