import { UsageError } from '../../errors.js';
import { Adam } from '../../learn/adam.js';
import {
  batchHardTripletLoss,
  l2NormalizeBackward,
  l2NormalizeRows,
  semiHardTripletLoss,
  softmaxCrossEntropy,
  supConLoss,
  type LossResult,
} from '../../learn/losses.js';
import { backward, createLayer, forward, zeroGradients, type DenseLayer, type LayerShape } from '../../learn/mlp.js';
import { Random } from '../../learn/random.js';
import { classBalancedBatches, gatherRows, indicesByLabel, shuffledBatches } from '../../learn/sampler.js';
import { yieldToEventLoop } from '../../kernels/yield.js';

/**
 * Training objective of the head:
 * - `supcon`: supervised contrastive loss (Khosla et al. 2020) on unit embeddings;
 * - `triplet`: triplet loss on unit embeddings, negatives mined in the batch (`mining`: batch-hard,
 *   Hermans et al. 2017, or semi-hard, Schroff et al. 2015);
 * - `softmax`: a classifier (cross-entropy) on top of the embedding layer, dropped after training:
 *   the embedding is the classifier's input (the penultimate layer).
 */
export type HeadLoss = 'supcon' | 'triplet' | 'softmax';

export const HEAD_LOSSES: readonly HeadLoss[] = ['supcon', 'triplet', 'softmax'];

/** How `triplet` picks negatives in a batch. */
export type TripletMining = 'batch-hard' | 'semi-hard';

/** Options of {@link trainHead}. */
export interface HeadTrainingOptions {
  /** Default `supcon`. */
  loss?: HeadLoss;
  /** Sizes of the hidden ReLU layers ("last layers" on top of the frozen backbone). Default [256]; [] = a linear projection. */
  hidden?: readonly number[];
  /** Dimension of the output embedding. Default 128. */
  outputDim?: number;
  /** Passes over the training rows. Default 30. */
  epochs?: number;
  /** Rows per step. Default 64. */
  batchSize?: number;
  /** K of P×K class-balanced batches (metric losses). Default 4. */
  samplesPerClass?: number;
  /** Adam step size. Default 1e-3. */
  learningRate?: number;
  /** Decoupled weight decay (AdamW). Default 1e-4. */
  weightDecay?: number;
  /** τ of `supcon`. Default 0.1. */
  temperature?: number;
  /** Margin of `triplet` (Euclidean, unit vectors). Default 0.2. */
  margin?: number;
  /** Negative mining of `triplet`. Default `batch-hard`. */
  mining?: TripletMining;
  /** Seed of initialisation and sampling: same seed, same data → same weights. Default 1. */
  seed?: number;
  signal?: AbortSignal;
  /** Called after each epoch with (epoch, epochs, mean loss). */
  onEpoch?: (epoch: number, epochs: number, loss: number) => void;
}

/** What {@link trainHead} returns. */
export interface TrainedHead {
  /** The embedding layers (the softmax classifier is not included). */
  layers: DenseLayer[];
  /** Mean loss of each epoch. */
  losses: number[];
  /** The options used, defaults filled in (without signal/onEpoch). */
  settings: Required<Omit<HeadTrainingOptions, 'signal' | 'onEpoch'>>;
}

function positiveInt(name: string, v: unknown): number {
  if (!Number.isSafeInteger(v) || (v as number) < 1) throw new UsageError(`${name} must be a positive integer, got ${String(v)}`);
  return v as number;
}

function positiveNumber(name: string, v: unknown, allowZero = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (!allowZero && v === 0))
    throw new UsageError(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} number, got ${String(v)}`);
  return v;
}

function checkMining(v: unknown): TripletMining {
  if (v !== 'batch-hard' && v !== 'semi-hard') throw new UsageError(`mining must be 'batch-hard' or 'semi-hard', got ${JSON.stringify(v)}`);
  return v;
}

export function resolveHeadOptions(o: HeadTrainingOptions): TrainedHead['settings'] {
  const loss = o.loss ?? 'supcon';
  if (!HEAD_LOSSES.includes(loss)) throw new UsageError(`loss must be one of ${HEAD_LOSSES.join(', ')}, got ${JSON.stringify(loss)}`);
  const hidden = [...(o.hidden ?? [256])];
  hidden.forEach((h, i) => positiveInt(`hidden[${i}]`, h));
  return {
    loss,
    hidden,
    outputDim: positiveInt('outputDim', o.outputDim ?? 128),
    epochs: positiveInt('epochs', o.epochs ?? 30),
    batchSize: positiveInt('batchSize', o.batchSize ?? 64),
    samplesPerClass: positiveInt('samplesPerClass', o.samplesPerClass ?? 4),
    learningRate: positiveNumber('learningRate', o.learningRate ?? 1e-3),
    weightDecay: positiveNumber('weightDecay', o.weightDecay ?? 1e-4, true),
    temperature: positiveNumber('temperature', o.temperature ?? 0.1),
    margin: positiveNumber('margin', o.margin ?? 0.2),
    mining: checkMining(o.mining ?? 'batch-hard'),
    seed: Number.isFinite(o.seed ?? 1) ? Math.trunc(o.seed ?? 1) : 1,
  };
}

/** Checks `features` (`labels.length × dim`) and that labels are integers 0 .. classes − 1. */
export function checkTrainingData(features: Float32Array, dim: number, labels: ArrayLike<number>): number {
  positiveInt('dim', dim);
  if (!(features instanceof Float32Array)) throw new UsageError('features must be a Float32Array');
  if (features.length !== labels.length * dim)
    throw new UsageError(`features hold ${features.length} values, expected ${labels.length} rows × ${dim}`);
  let classes = 0;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (!Number.isInteger(y) || y < 0) throw new UsageError(`labels[${i}] must be a non-negative integer, got ${String(y)}`);
    classes = Math.max(classes, y + 1);
  }
  for (let i = 0; i < features.length; i++) if (!Number.isFinite(features[i])) throw new UsageError(`features[${i}] is not finite`);
  if (classes < 2) throw new UsageError(`training needs at least 2 labels, got ${classes}`);
  return classes;
}

/**
 * Trains a projection head (an MLP: hidden ReLU layers, then a linear layer to `outputDim`) on
 * fixed backbone features with a metric-learning or classification loss, Adam, deterministic for
 * a seed. Async: yields to the event loop between steps; `signal` stops it with AbortError.
 */
export async function trainHead(
  features: Float32Array,
  dim: number,
  labels: ArrayLike<number>,
  options: HeadTrainingOptions = {},
): Promise<TrainedHead> {
  const settings = resolveHeadOptions(options);
  const classes = checkTrainingData(features, dim, labels);
  const rng = new Random(settings.seed);
  const shapes: LayerShape[] = [];
  let width = dim;
  for (const h of settings.hidden) {
    shapes.push({ inputs: width, outputs: h, activation: 'relu', bias: true });
    width = h;
  }
  shapes.push({ inputs: width, outputs: settings.outputDim, activation: 'none', bias: true });
  if (settings.loss === 'softmax') shapes.push({ inputs: settings.outputDim, outputs: classes, activation: 'none', bias: true });
  const layers = shapes.map((s) => createLayer(s, rng));
  const params = layers.flatMap((l) => (l.bias ? [l.weights, l.bias] : [l.weights]));
  const adam = new Adam(params, settings.learningRate, settings.weightDecay);
  const byLabel = indicesByLabel(labels, classes);
  const rows = labels.length;
  const losses: number[] = [];

  for (let epoch = 1; epoch <= settings.epochs; epoch++) {
    const batches =
      settings.loss === 'softmax'
        ? shuffledBatches(rows, settings.batchSize, rng)
        : classBalancedBatches(byLabel, rows, settings.batchSize, settings.samplesPerClass, rng);
    if (batches.length === 0) throw new UsageError('metric losses need at least one label with 2 or more examples');
    let sum = 0;
    for (const batch of batches) {
      await yieldToEventLoop(options.signal);
      const x = gatherRows(features, dim, batch);
      const y = batch.map((i) => labels[i]);
      const trace = forward(layers, x, batch.length);
      const out = trace.outputs[trace.outputs.length - 1];
      let result: LossResult;
      let gradOut: Float32Array;
      if (settings.loss === 'softmax') {
        result = softmaxCrossEntropy(out, y, batch.length, classes);
        gradOut = result.grad;
      } else {
        const { z, norms } = l2NormalizeRows(out, batch.length, settings.outputDim);
        result =
          settings.loss === 'supcon'
            ? supConLoss(z, y, batch.length, settings.outputDim, settings.temperature)
            : (settings.mining === 'semi-hard' ? semiHardTripletLoss : batchHardTripletLoss)(
                z,
                y,
                batch.length,
                settings.outputDim,
                settings.margin,
              );
        gradOut = l2NormalizeBackward(z, norms, result.grad, batch.length, settings.outputDim);
      }
      sum += result.loss;
      const grads = zeroGradients(layers);
      backward(layers, trace, gradOut, grads);
      adam.step(grads.flatMap((g) => (g.bias ? [g.weights, g.bias] : [g.weights])));
    }
    losses.push(sum / batches.length);
    options.onEpoch?.(epoch, settings.epochs, losses[losses.length - 1]);
  }
  return { layers: settings.loss === 'softmax' ? layers.slice(0, -1) : layers, losses, settings };
}
