import { UsageError } from '../../errors.js';
import { minimizeLbfgs } from '../../learn/lbfgs.js';
import { accumulateGradient, featureDim, linearScores, type FeatureRows } from './features.js';

/** Loss of a {@link fitLinear} model. */
export type LinearLoss = 'logistic' | 'squared-hinge';

/** Options of {@link fitLinear}. */
export interface LinearFitOptions {
  /** 'logistic': multinomial logistic regression; 'squared-hinge': one-vs-rest linear SVM (LinearSVC's default loss). */
  loss: LinearLoss;
  /** Inverse regularisation strength (scikit-learn's C): minimise ½‖W‖² + C Σ_i weight_i · loss_i. */
  C: number;
  /** Weight of each class's items (default 1 each). */
  classWeights?: Float64Array;
  /** Most L-BFGS iterations. Default 300. */
  maxIter?: number;
  signal?: AbortSignal;
  /** Share of the iteration budget used, after each L-BFGS iteration (it may stop sooner, converged). */
  onProgress?: (fraction: number) => void;
}

/**
 * Fits linear weights (the layout of {@link fitLinear}) in place of L-BFGS: how another optimiser
 * plugs in, e.g. DP-SGD from the privacy layer (`MethodOptions.linearFitter`).
 */
export type LinearFitter = (x: FeatureRows, y: Int32Array, K: number, options: LinearFitOptions) => Float64Array;

/** Weights of each class for 'balanced' class weighting: n / (K · count_k) (scikit-learn's rule). */
export function balancedClassWeights(y: Int32Array, K: number): Float64Array {
  const counts = new Float64Array(K);
  for (const c of y) counts[c]++;
  return Float64Array.from(counts, (c) => (c > 0 ? y.length / (K * c) : 0));
}

/** In place: softmax of each row of K scores. */
export function softmaxRows(scores: Float64Array, K: number): Float64Array {
  for (let o = 0; o < scores.length; o += K) {
    let max = -Infinity;
    for (let k = 0; k < K; k++) max = Math.max(max, scores[o + k]);
    let sum = 0;
    for (let k = 0; k < K; k++) sum += scores[o + k] = Math.exp(scores[o + k] - max);
    for (let k = 0; k < K; k++) scores[o + k] /= sum;
  }
  return scores;
}

/**
 * Fits the weights (D × K feature-major, then K biases) of a linear classifier with L-BFGS. The
 * objective is divided by n so its scale does not depend on the data size; the biases are not
 * regularised (as scikit-learn's lbfgs solver).
 */
export function fitLinear(x: FeatureRows, y: Int32Array, K: number, options: LinearFitOptions): Float64Array {
  const { loss, C } = options;
  if (!(C > 0 && Number.isFinite(C))) throw new UsageError(`C must be a finite number > 0, got ${C}`);
  if (y.length !== x.rows) throw new UsageError(`${x.rows} feature rows but ${y.length} labels`);
  const D = featureDim(x);
  const n = x.rows;
  const sw = options.classWeights ?? new Float64Array(K).fill(1);
  const lambda = 1 / (C * n);
  const coef = new Float64Array(n * K);
  const f = (w: Float64Array, grad: Float64Array): number => {
    const scores = linearScores(x, w, K);
    let total = 0;
    if (loss === 'logistic') {
      for (let i = 0; i < n; i++) {
        const o = i * K;
        let max = -Infinity;
        for (let k = 0; k < K; k++) max = Math.max(max, scores[o + k]);
        let sum = 0;
        for (let k = 0; k < K; k++) sum += Math.exp(scores[o + k] - max);
        const lse = max + Math.log(sum);
        const wi = sw[y[i]] / n;
        total += wi * (lse - scores[o + y[i]]);
        for (let k = 0; k < K; k++) coef[o + k] = wi * (Math.exp(scores[o + k] - lse) - (k === y[i] ? 1 : 0));
      }
    } else {
      for (let i = 0; i < n; i++) {
        const o = i * K;
        const wi = sw[y[i]] / n;
        for (let k = 0; k < K; k++) {
          const t = k === y[i] ? 1 : -1;
          const margin = 1 - t * scores[o + k];
          if (margin > 0) {
            total += wi * margin * margin;
            coef[o + k] = -2 * wi * margin * t;
          } else coef[o + k] = 0;
        }
      }
    }
    grad.fill(0);
    accumulateGradient(x, coef, K, grad);
    let reg = 0;
    for (let j = 0; j < D * K; j++) {
      reg += w[j] * w[j];
      grad[j] += lambda * w[j];
    }
    return total + 0.5 * lambda * reg;
  };
  const r = minimizeLbfgs(f, new Float64Array((D + 1) * K), {
    maxIter: options.maxIter ?? 300,
    signal: options.signal,
    onIteration: options.onProgress ? (i, max) => options.onProgress?.(i / max) : undefined,
  });
  return r.x;
}
