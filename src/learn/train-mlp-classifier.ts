import { UsageError } from '../errors.js';
import { yieldToEventLoop } from '../kernels/yield.js';
import type { HiddenActivation } from './activations.js';
import type { FeatureRows } from './feature-rows.js';
import { createMlpClassifierNet, mlpBackward, mlpForward, type MlpClassifierNet } from './mlp-classifier.js';
import { Random } from './random.js';
import { RowAdamW } from './row-adamw.js';
import { indicesByLabel, shuffledBatches } from './sampler.js';

/** Options of {@link trainMlpClassifier}; every default is listed. */
export interface MlpClassifierOptions {
  /** Sizes of the hidden layers. Default [128]. */
  hidden?: readonly number[];
  /** Default 'relu'. */
  activation?: HiddenActivation;
  /** Dropout rate after each hidden layer while training, in [0, 1). Default 0. */
  dropout?: number;
  /** Adam step size. Default 2e-3. */
  learningRate?: number;
  /** Decoupled weight decay (AdamW's L2 regularisation; not on biases). Default 1e-4. */
  weightDecay?: number;
  /** Rows per step. Default 32. */
  batchSize?: number;
  /** Most passes over the training rows. Default 200. */
  maxEpochs?: number;
  /**
   * Share of the rows held out (stratified) for early stopping on their loss; the weights of the
   * best epoch are kept. 0, or a split of fewer than 10 rows: stop when the training loss stops
   * improving instead (scikit-learn's MLPClassifier rules). Default 0.1.
   */
  validationFraction?: number;
  /** Epochs without an improvement larger than `tol` before stopping. Default 5. */
  patience?: number;
  /** Default 1e-4. */
  tol?: number;
  /** Weight of each class's rows in the loss (default 1 each). */
  classWeights?: Float64Array;
  /** Seed of the split, initialisation, batch order and dropout. Default 1. */
  seed?: number;
  signal?: AbortSignal;
  /** Called after each epoch with the epochs done and `maxEpochs` (early stopping may end sooner). */
  onEpoch?: (epoch: number, maxEpochs: number) => void;
}

/** What {@link trainMlpClassifier} returns. */
export interface MlpTrainResult {
  net: MlpClassifierNet;
  /** Epochs run. */
  epochs: number;
  /** The epoch whose weights were kept (1-based). */
  bestEpoch: number;
  /** Mean training loss of each epoch. */
  trainLoss: number[];
  /** Held-out loss of each epoch (empty without a validation split). */
  validationLoss: number[];
}

/** Weighted softmax cross-entropy of `logits` rows; writes dLoss/dLogits (divided by `scale`). Returns Σ w·loss. */
function crossEntropy(
  logits: Float32Array,
  labels: ArrayLike<number>,
  weights: Float64Array,
  K: number,
  scale: number,
  grad?: Float32Array,
): number {
  let total = 0;
  for (let b = 0; b < labels.length; b++) {
    const o = b * K;
    let max = -Infinity;
    for (let k = 0; k < K; k++) max = Math.max(max, logits[o + k]);
    let sum = 0;
    for (let k = 0; k < K; k++) sum += Math.exp(logits[o + k] - max);
    const lse = max + Math.log(sum);
    const y = labels[b];
    const w = weights[y];
    total += w * (lse - logits[o + y]);
    if (grad) for (let k = 0; k < K; k++) grad[o + k] = (w * (Math.exp(logits[o + k] - lse) - (k === y ? 1 : 0))) / scale;
  }
  return total;
}

/** Stratified split: `fraction` of each class's rows (rounded down) held out, chosen at random. */
function stratifiedHoldout(y: Int32Array, K: number, fraction: number, rng: Random): { train: number[]; held: number[] } {
  const train: number[] = [];
  const held: number[] = [];
  for (const rows of indicesByLabel(y, K)) {
    rng.shuffle(rows);
    const h = Math.floor(rows.length * fraction);
    held.push(...rows.slice(0, h));
    train.push(...rows.slice(h));
  }
  return { train: train.sort((a, b) => a - b), held: held.sort((a, b) => a - b) };
}

/**
 * Trains an MLP classifier (softmax cross-entropy, AdamW, mini-batches, early stopping) on feature
 * rows — sparse TF-IDF rows are used as they are (see {@link InputLayer}). Single-threaded and
 * deterministic: the same data, options and seed give the same weights bit for bit.
 */
export async function trainMlpClassifier(
  x: FeatureRows,
  y: Int32Array,
  K: number,
  options: MlpClassifierOptions = {},
): Promise<MlpTrainResult> {
  const hidden = options.hidden ?? [128];
  const activation = options.activation ?? 'relu';
  if (activation !== 'relu' && activation !== 'gelu')
    throw new UsageError(`MLP activation must be relu or gelu, got '${String(activation)}'`);
  const num = (name: keyof MlpClassifierOptions, dflt: number, rule: string, ok: (v: number) => boolean): number => {
    const v = (options[name] as number | undefined) ?? dflt;
    if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) throw new UsageError(`MLP ${name} must be ${rule}, got ${String(v)}`);
    return v;
  };
  const int = (v: number) => Number.isSafeInteger(v) && v >= 1;
  const dropout = num('dropout', 0, 'in [0, 1)', (v) => v >= 0 && v < 1);
  const lr = num('learningRate', 2e-3, '> 0', (v) => v > 0);
  const wd = num('weightDecay', 1e-4, '≥ 0 with learningRate · weightDecay < 1', (v) => v >= 0 && lr * v < 1);
  const batchSize = num('batchSize', 32, 'an integer ≥ 1', int);
  const maxEpochs = num('maxEpochs', 200, 'an integer ≥ 1', int);
  const fraction = num('validationFraction', 0.1, 'in [0, 1)', (v) => v >= 0 && v < 1);
  const patience = num('patience', 5, 'an integer ≥ 1', int);
  const tol = num('tol', 1e-4, '≥ 0', (v) => v >= 0);
  if (y.length !== x.rows) throw new UsageError(`${x.rows} feature rows but ${y.length} labels`);
  const D = x.sparseDim + x.denseDim;
  // The input layer's weights and the two Adam moments, plus a copy of the best weights.
  if (D * hidden[0] > 2 ** 28)
    throw new UsageError(
      `an MLP over ${D} features with a first hidden layer of ${hidden[0]} needs ${((16 * D * hidden[0]) / 2 ** 30).toFixed(1)} GiB: ` +
        'use fewer TF-IDF features (tfidf.maxFeatures) or a smaller first layer',
    );
  const classWeights = options.classWeights ?? new Float64Array(K).fill(1);
  const rng = new Random(options.seed ?? 1);

  const { train, held } = stratifiedHoldout(y, K, fraction, rng);
  const validate = held.length >= 10;
  const trainRows = validate ? train : Array.from({ length: x.rows }, (_, i) => i);
  const net = createMlpClassifierNet(D, hidden, K, activation, rng);
  const H0 = hidden[0];
  const opt = {
    input: new RowAdamW(net.input.weights, H0, lr, wd),
    inputBias: new RowAdamW(net.input.bias, H0, lr),
    hidden: net.hidden.map((l) => [new RowAdamW(l.weights, l.inputs, lr, wd), new RowAdamW(l.bias, l.outputs, lr)] as const),
    output: [new RowAdamW(net.output.weights, net.output.inputs, lr, wd), new RowAdamW(net.output.bias, K, lr)] as const,
  };
  const settle = () => {
    opt.input.settle();
    for (const [w] of opt.hidden) w.settle();
    opt.output[0].settle();
  };
  const params = (): Float32Array[] => [
    net.input.weights,
    net.input.bias,
    ...net.hidden.flatMap((l) => [l.weights, l.bias]),
    net.output.weights,
    net.output.bias,
  ];
  const heldLoss = (): number => {
    let total = 0;
    let weight = 0;
    for (let s = 0; s < held.length; s += 512) {
      const batch = held.slice(s, s + 512);
      const { logits } = mlpForward(net, x, batch);
      total += crossEntropy(
        logits,
        Array.from(batch, (r) => y[r]),
        classWeights,
        K,
        1,
      );
      for (const r of batch) weight += classWeights[y[r]];
    }
    return total / weight;
  };

  const trainLoss: number[] = [];
  const validationLoss: number[] = [];
  let best = Infinity;
  let bestEpoch = 0;
  let bestParams: Float32Array[] | undefined;
  let stale = 0;
  let epoch = 0;
  const drop = dropout > 0 ? { rate: dropout, rng } : undefined;
  while (epoch < maxEpochs) {
    epoch++;
    let total = 0;
    let weight = 0;
    const batches = shuffledBatches(trainRows.length, batchSize, rng);
    for (let bi = 0; bi < batches.length; bi++) {
      const batch = batches[bi].map((i) => trainRows[i]);
      const labels = batch.map((r) => y[r]);
      let w = 0;
      for (const c of labels) w += classWeights[c];
      const trace = mlpForward(net, x, batch, drop);
      const gLogits = new Float32Array(trace.logits.length);
      // The mean loss of the batch (weighted rows over the number of rows, as scikit-learn's sample weights).
      total += crossEntropy(trace.logits, labels, classWeights, K, batch.length, gLogits);
      weight += w;
      const g = mlpBackward(net, x, trace, gLogits);
      opt.input.step(g.input.grad, g.input.rows);
      opt.inputBias.step(g.input.bias);
      opt.hidden.forEach(([ow, ob], l) => {
        ow.step(g.hidden[l].weights);
        ob.step(g.hidden[l].bias);
      });
      opt.output[0].step(g.output.weights);
      opt.output[1].step(g.output.bias);
      if (bi % 64 === 63) await yieldToEventLoop(options.signal);
    }
    await yieldToEventLoop(options.signal);
    options.onEpoch?.(epoch, maxEpochs);
    trainLoss.push(total / weight);
    settle();
    const score = validate ? heldLoss() : total / weight;
    if (validate) validationLoss.push(score);
    if (score < best - tol) {
      best = score;
      bestEpoch = epoch;
      stale = 0;
      if (validate) bestParams = params().map((p) => Float32Array.from(p));
    } else if (++stale >= patience) break;
  }
  if (validate && bestParams) params().forEach((p, i) => p.set(bestParams![i]));
  else bestEpoch = epoch;
  return { net, epochs: epoch, bestEpoch, trainLoss, validationLoss };
}
