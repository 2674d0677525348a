// DP-SGD (Abadi et al. 2016, "Deep Learning with Differential Privacy", Algorithm 1) for linear
// classifiers on feature rows: Poisson sampling, per-example gradient clipping, Gaussian noise,
// momentum SGD; the noise multiplier comes from the RDP accountant (rdp-accountant.ts).
import { throwIfAborted, UsageError } from '../../errors.js';
import { featureDim, type FeatureRows } from '../../learn/feature-rows.js';
import { GaussianNoise } from './noise.js';
import { dpSgdEpsilon, dpSgdNoiseMultiplier } from './rdp-accountant.js';

/** Options of DP-SGD training. */
export interface DpSgdOptions {
  /** Target ε; Infinity trains with clipping but no noise (the non-private reference). */
  epsilon: number;
  /** Target δ. Default min(1e-5, 0.1/n). */
  delta?: number;
  /** L2 bound of each example's gradient. Default 1. */
  clip?: number;
  /** Expected examples per step (Poisson sampling at rate batchSize/n). Default n/10 within [64, 4096]. */
  batchSize?: number;
  /** Passes over the data (steps = epochs · n / batchSize). Default 20. */
  epochs?: number;
  /** SGD step. Default 0.5. */
  learningRate?: number;
  /** Heavy-ball momentum. Default 0.9. */
  momentum?: number;
  /** Seed of the sampling and the noise; without it both come from the OS CSPRNG. */
  seed?: number;
}

/** The privacy plan of a DP-SGD run: what is spent, and with which noise. */
export interface DpSgdPlan {
  examples: number;
  batchSize: number;
  samplingRate: number;
  steps: number;
  epochs: number;
  clip: number;
  noiseMultiplier: number;
  epsilon: number;
  delta: number;
  /** The RDP order at which ε is reached. */
  order: number;
}

/** Works out steps, sampling rate and the noise multiplier for `n` examples. */
export function planDpSgd(n: number, options: DpSgdOptions): DpSgdPlan {
  if (!(Number.isInteger(n) && n >= 2)) throw new UsageError(`DP-SGD needs at least 2 examples, got ${n}`);
  const { epsilon } = options;
  if (!(epsilon > 0)) throw new UsageError(`epsilon must be > 0 (or Infinity for no noise), got ${epsilon}`);
  const delta = options.delta ?? Math.min(1e-5, 0.1 / n);
  if (!(delta > 0 && delta < 1)) throw new UsageError(`delta must be in (0, 1), got ${delta}`);
  const clip = options.clip ?? 1;
  if (!(clip > 0 && Number.isFinite(clip))) throw new UsageError(`the clip norm must be a finite number > 0, got ${clip}`);
  const batchSize = Math.min(n, options.batchSize ?? Math.min(4096, Math.max(64, Math.round(n / 10))));
  if (!(Number.isInteger(batchSize) && batchSize >= 1))
    throw new UsageError(`the batch size must be an integer ≥ 1, got ${options.batchSize}`);
  const epochs = options.epochs ?? 20;
  if (!(epochs > 0 && Number.isFinite(epochs))) throw new UsageError(`epochs must be a finite number > 0, got ${epochs}`);
  const q = batchSize / n;
  const steps = Math.max(1, Math.round(epochs / q));
  if (epsilon === Infinity)
    return { examples: n, batchSize, samplingRate: q, steps, epochs, clip, noiseMultiplier: 0, epsilon, delta, order: NaN };
  const noiseMultiplier = dpSgdNoiseMultiplier(q, steps, epsilon, delta);
  const spent = dpSgdEpsilon(q, noiseMultiplier, steps, delta);
  return {
    examples: n,
    batchSize,
    samplingRate: q,
    steps,
    epochs,
    clip,
    noiseMultiplier,
    epsilon: spent.epsilon,
    delta,
    order: spent.order,
  };
}

/** What the linear fit needs (the fields of the classify task's LinearFitOptions that matter here). */
export interface LinearDpFitOptions {
  loss: 'logistic' | 'squared-hinge';
  /** Inverse L2 strength: ½‖W‖²/(C·n) is added to the mean loss (data-independent, so free in privacy). */
  C: number;
  classWeights?: Float64Array;
  signal?: AbortSignal;
}

/** Per-example loss derivatives w.r.t. the K scores into `coef`. */
function scoreGradient(loss: LinearDpFitOptions['loss'], scores: Float64Array, label: number, weight: number, coef: Float64Array): void {
  const K = scores.length;
  if (loss === 'logistic') {
    let max = -Infinity;
    for (let k = 0; k < K; k++) max = Math.max(max, scores[k]);
    let sum = 0;
    for (let k = 0; k < K; k++) sum += coef[k] = Math.exp(scores[k] - max);
    for (let k = 0; k < K; k++) coef[k] = weight * (coef[k] / sum - (k === label ? 1 : 0));
  } else {
    for (let k = 0; k < K; k++) {
      const t = k === label ? 1 : -1;
      const margin = 1 - t * scores[k];
      coef[k] = margin > 0 ? -2 * weight * margin * t : 0;
    }
  }
}

/**
 * Trains the weights of a linear classifier (D × K feature-major, then K biases — the layout of
 * the classify task's linear models) by DP-SGD under `plan`. The gradient of one example is the
 * outer product of [x; 1] and its K score derivatives, so its norm is ‖[x; 1]‖·‖coef‖ and clipping
 * costs nothing extra.
 */
export function fitLinearDpSgd(
  x: FeatureRows,
  y: Int32Array,
  K: number,
  fit: LinearDpFitOptions,
  plan: DpSgdPlan,
  options: Pick<DpSgdOptions, 'learningRate' | 'momentum' | 'seed'> = {},
): Float64Array {
  const n = x.rows;
  if (n !== plan.examples) throw new UsageError(`the DP-SGD plan is for ${plan.examples} examples, the data has ${n}`);
  if (y.length !== n) throw new UsageError(`${n} feature rows but ${y.length} labels`);
  const D = featureDim(x);
  const W = (D + 1) * K;
  const w = new Float64Array(W);
  const velocity = new Float64Array(W);
  const grad = new Float64Array(W);
  const scores = new Float64Array(K);
  const coef = new Float64Array(K);
  const lr = options.learningRate ?? 0.5;
  const mu = options.momentum ?? 0.9;
  const lambda = 1 / (fit.C * n);
  const sw = fit.classWeights;
  const noise = new GaussianNoise(options.seed);
  const sampler = new GaussianNoise(options.seed === undefined ? undefined : `sampling ${options.seed}`);
  const { indptr, indices, values, dense, denseDim, sparseDim } = x;
  const rowNorm2 = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 1; // the bias input
    if (indptr && values) for (let p = indptr[i]; p < indptr[i + 1]; p++) s += values[p] * values[p];
    if (dense) for (let j = i * denseDim; j < (i + 1) * denseDim; j++) s += dense[j] * dense[j];
    rowNorm2[i] = s;
  }
  const q = plan.samplingRate;
  const logSkip = q < 1 ? Math.log1p(-q) : -Infinity;
  const std = plan.noiseMultiplier * plan.clip;
  const scale = 1 / (q * n);
  for (let step = 0; step < plan.steps; step++) {
    if (step % 16 === 0) throwIfAborted(fit.signal);
    grad.fill(0);
    // Poisson sampling by geometric gaps: each example is in the batch with probability q
    for (
      let i = q < 1 ? Math.floor(Math.log(sampler.uniform()) / logSkip) : 0;
      i < n;
      i += q < 1 ? 1 + Math.floor(Math.log(sampler.uniform()) / logSkip) : 1
    ) {
      const bias = D * K;
      for (let k = 0; k < K; k++) scores[k] = w[bias + k];
      if (indptr && indices && values)
        for (let p = indptr[i]; p < indptr[i + 1]; p++) {
          const o = indices[p] * K;
          for (let k = 0; k < K; k++) scores[k] += values[p] * w[o + k];
        }
      if (dense)
        for (let j = 0; j < denseDim; j++) {
          const v = dense[i * denseDim + j];
          const o = (sparseDim + j) * K;
          for (let k = 0; k < K; k++) scores[k] += v * w[o + k];
        }
      scoreGradient(fit.loss, scores, y[i], sw ? sw[y[i]] : 1, coef);
      let c2 = 0;
      for (let k = 0; k < K; k++) c2 += coef[k] * coef[k];
      const norm = Math.sqrt(c2 * rowNorm2[i]);
      const f = norm > plan.clip ? plan.clip / norm : 1;
      for (let k = 0; k < K; k++) coef[k] *= f;
      for (let k = 0; k < K; k++) grad[bias + k] += coef[k];
      if (indptr && indices && values)
        for (let p = indptr[i]; p < indptr[i + 1]; p++) {
          const o = indices[p] * K;
          for (let k = 0; k < K; k++) grad[o + k] += values[p] * coef[k];
        }
      if (dense)
        for (let j = 0; j < denseDim; j++) {
          const v = dense[i * denseDim + j];
          const o = (sparseDim + j) * K;
          for (let k = 0; k < K; k++) grad[o + k] += v * coef[k];
        }
    }
    if (std > 0) noise.addTo(grad, std);
    for (let j = 0; j < W; j++) {
      const g = grad[j] * scale + (j < D * K ? lambda * w[j] : 0);
      velocity[j] = mu * velocity[j] + g;
      w[j] -= lr * velocity[j];
    }
  }
  return w;
}

/**
 * A fitter for the classify task's linear methods (its `linearFitter` option) that trains by
 * DP-SGD; `plan` holds what the last fit spent.
 */
export function dpSgdLinearFitter(options: DpSgdOptions): {
  fit: (x: FeatureRows, y: Int32Array, K: number, fit: LinearDpFitOptions) => Float64Array;
  readonly plan: DpSgdPlan | undefined;
} {
  let last: DpSgdPlan | undefined;
  return {
    fit(x, y, K, fit) {
      last = planDpSgd(x.rows, options);
      return fitLinearDpSgd(x, y, K, fit, last, options);
    },
    get plan() {
      return last;
    },
  };
}
