import { UsageError } from '../../errors.js';
import { Adam } from '../../learn/adam.js';
import { backward, createLayer, forward, zeroGradients, type DenseLayer } from '../../learn/mlp.js';
import { Random } from '../../learn/random.js';
import { gatherRows, shuffledBatches } from '../../learn/sampler.js';
import { checkTrainingData } from '../train/train-head.js';
import { yieldToEventLoop } from '../../kernels/yield.js';

/** Options of `trainDeviseMap`, the training of the map inside `trainDevise`. */
export interface DeviseMapOptions {
  /** Margin of the hinge rank loss. Default 0.1 (Frome et al. 2013). */
  margin?: number;
  /** Passes over the training rows. Default 50. */
  epochs?: number;
  /** Rows per step. Default 32. */
  batchSize?: number;
  /** Adam step size. Default 1e-3. */
  learningRate?: number;
  /** Decoupled weight decay (AdamW). Default 0. */
  weightDecay?: number;
  /** Seed of initialisation and batch order. Default 1. */
  seed?: number;
  signal?: AbortSignal;
  /** Called after each epoch with (epoch, epochs, mean loss). */
  onEpoch?: (epoch: number, epochs: number, loss: number) => void;
}

/** Unit-length copies of `rows` vectors of `dim` values (zero rows stay zero). */
export function unitRows(data: Float32Array, dim: number): Float32Array {
  const out = Float32Array.from(data);
  for (let o = 0; o < out.length; o += dim) {
    let s = 0;
    for (let d = 0; d < dim; d++) s += out[o + d] ** 2;
    if (s > 0) for (let d = 0, inv = 1 / Math.sqrt(s); d < dim; d++) out[o + d] *= inv;
  }
  return out;
}

/**
 * Hinge rank loss of DeViSE (Frome et al. 2013, eq. 1) for one batch: with image projections
 * p = M v and unit label vectors t, loss = Σ_{j ≠ label} max(0, margin − t_label·p + t_j·p),
 * averaged over rows. Returns the loss and dLoss/dp.
 */
export function hingeRankLoss(
  projections: Float32Array,
  rowLabels: readonly number[],
  targets: Float32Array,
  classes: number,
  wordDim: number,
  margin: number,
): { loss: number; grad: Float32Array } {
  const rows = rowLabels.length;
  const grad = new Float32Array(rows * wordDim);
  let loss = 0;
  const scores = new Float64Array(classes);
  for (let r = 0; r < rows; r++) {
    const p = r * wordDim;
    for (let c = 0; c < classes; c++) {
      let s = 0;
      for (let d = 0; d < wordDim; d++) s += targets[c * wordDim + d] * projections[p + d];
      scores[c] = s;
    }
    const y = rowLabels[r];
    for (let j = 0; j < classes; j++) {
      if (j === y) continue;
      const l = margin - scores[y] + scores[j];
      if (l <= 0) continue;
      loss += l;
      // d/dp of (t_j − t_y)·p
      for (let d = 0; d < wordDim; d++) grad[p + d] += (targets[j * wordDim + d] - targets[y * wordDim + d]) / rows;
    }
  }
  return { loss: loss / rows, grad };
}

/**
 * Learns the linear map M (no bias) of DeViSE from image features (`labels.length × dim`) into the
 * word-vector space of the label vectors (`classes × wordDim`, unit-normalised here) with the hinge
 * rank loss and Adam. Deterministic for a seed; yields to the event loop between steps.
 */
export async function trainDeviseMap(
  features: Float32Array,
  dim: number,
  labels: ArrayLike<number>,
  labelVectors: Float32Array,
  wordDim: number,
  options: DeviseMapOptions = {},
): Promise<{ layer: DenseLayer; losses: number[] }> {
  const classes = checkTrainingData(features, dim, labels);
  if (!Number.isSafeInteger(wordDim) || wordDim < 1) throw new UsageError(`wordDim must be a positive integer, got ${String(wordDim)}`);
  if (labelVectors.length < classes * wordDim)
    throw new UsageError(`labelVectors hold ${labelVectors.length} values, expected ${classes} labels × ${wordDim}`);
  const margin = options.margin ?? 0.1;
  const epochs = options.epochs ?? 50;
  const batchSize = options.batchSize ?? 32;
  const learningRate = options.learningRate ?? 1e-3;
  if (
    !(margin > 0) ||
    !Number.isSafeInteger(epochs) ||
    epochs < 1 ||
    !Number.isSafeInteger(batchSize) ||
    batchSize < 1 ||
    !(learningRate > 0)
  ) {
    throw new UsageError('margin and learningRate must be > 0, epochs and batchSize positive integers');
  }
  const targets = unitRows(labelVectors.subarray(0, classes * wordDim), wordDim);
  const rng = new Random(options.seed ?? 1);
  const layer = createLayer({ inputs: dim, outputs: wordDim, activation: 'none', bias: false }, rng);
  // Start small: the projections begin near zero, so every margin is violated and all labels pull.
  for (let i = 0; i < layer.weights.length; i++) layer.weights[i] *= 0.01;
  const adam = new Adam([layer.weights], learningRate, options.weightDecay ?? 0);
  const losses: number[] = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    let sum = 0;
    const batches = shuffledBatches(labels.length, batchSize, rng);
    for (const batch of batches) {
      await yieldToEventLoop(options.signal);
      const trace = forward([layer], gatherRows(features, dim, batch), batch.length);
      const { loss, grad } = hingeRankLoss(
        trace.outputs[1],
        batch.map((i) => labels[i]),
        targets,
        classes,
        wordDim,
        margin,
      );
      sum += loss;
      const grads = zeroGradients([layer]);
      backward([layer], trace, grad, grads);
      adam.step([grads[0].weights]);
    }
    losses.push(sum / batches.length);
    options.onEpoch?.(epoch, epochs, losses[losses.length - 1]);
  }
  return { layer, losses };
}
