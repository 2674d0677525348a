// Rényi-DP accounting of the Poisson-subsampled Gaussian mechanism (DP-SGD): Mironov, Talwar &
// Zhang 2019, "Rényi Differential Privacy of the Sampled Gaussian Mechanism", Section 3.3; the
// conversion to (ε, δ) of Balle et al. 2020 (Theorem 21) / Canonne, Kamath & Steinke 2020.
import { UsageError } from '../../errors.js';
import { logAdd, logErfc, logSub } from './normal.js';

/** The RDP orders tried by default (those of TF-Privacy's compute_dp_sgd_privacy). */
export const DEFAULT_ORDERS: readonly number[] = [
  1.25,
  1.5,
  1.75,
  2,
  2.25,
  2.5,
  3,
  3.5,
  4,
  4.5,
  ...Array.from({ length: 59 }, (_, i) => i + 5),
  128,
  256,
  512,
];

/** log A_α for integer α: a finite binomial sum. */
function logAInteger(q: number, sigma: number, alpha: number): number {
  let log = -Infinity;
  let logBinom = 0;
  for (let k = 0; k <= alpha; k++) {
    if (k > 0) logBinom += Math.log((alpha - k + 1) / k);
    const term = logBinom + k * Math.log(q) + (alpha - k) * Math.log1p(-q) + (k * k - k) / (2 * sigma * sigma);
    log = logAdd(log, term);
  }
  return log;
}

/**
 * log A_α for fractional α: the integral split at z₀ = σ² ln(1/q − 1) + ½, where the two parts of
 * the mixture are equal, each side expanded as a generalised binomial series (signs alternate past
 * i > α) whose Gaussian integrals are erfc terms; summed until the terms fall below e^−30.
 */
function logAFractional(q: number, sigma: number, alpha: number): number {
  const z0 = sigma * sigma * Math.log(1 / q - 1) + 0.5;
  const s2 = 2 * sigma * sigma;
  let pos = -Infinity;
  let neg = -Infinity;
  let logCoef = 0;
  let sign = 1;
  for (let i = 0; i < 100000; i++) {
    if (i > 0) {
      const ratio = (alpha - i + 1) / i;
      if (ratio === 0) break;
      if (ratio < 0) sign = -sign;
      logCoef += Math.log(Math.abs(ratio));
    }
    const j = alpha - i;
    const t0 = logCoef + i * Math.log(q) + j * Math.log1p(-q) + (i * i - i) / s2 + Math.log(0.5) + logErfc((i - z0) / (Math.SQRT2 * sigma));
    const t1 = logCoef + j * Math.log(q) + i * Math.log1p(-q) + (j * j - j) / s2 + Math.log(0.5) + logErfc((z0 - j) / (Math.SQRT2 * sigma));
    const term = logAdd(t0, t1);
    if (sign > 0) pos = logAdd(pos, term);
    else neg = logAdd(neg, term);
    if (i > alpha + 1 && Math.max(t0, t1) < -30) break;
  }
  return logSub(pos, neg);
}

/**
 * RDP ε(α) of one step of the Gaussian mechanism with noise multiplier σ (noise std / L2
 * sensitivity) applied to a Poisson sample of rate q. q = 1 is the plain Gaussian: α / 2σ².
 */
export function rdpSubsampledGaussian(q: number, sigma: number, alpha: number): number {
  if (!(q >= 0 && q <= 1)) throw new UsageError(`the sampling rate must be in [0, 1], got ${q}`);
  if (!(sigma >= 0)) throw new UsageError(`the noise multiplier must be ≥ 0, got ${sigma}`);
  if (!(alpha > 1)) throw new UsageError(`RDP orders must be > 1, got ${alpha}`);
  if (q === 0) return 0;
  if (sigma === 0) return Infinity;
  if (alpha === Infinity) return Infinity;
  if (q === 1) return alpha / (2 * sigma * sigma);
  const logA = Number.isInteger(alpha) ? logAInteger(q, sigma, alpha) : logAFractional(q, sigma, alpha);
  return logA / (alpha - 1);
}

/** RDP of `steps` compositions, one value per order. */
export function rdpOfSteps(q: number, sigma: number, steps: number, orders: readonly number[] = DEFAULT_ORDERS): Float64Array {
  if (!(Number.isInteger(steps) && steps >= 0)) throw new UsageError(`steps must be an integer ≥ 0, got ${steps}`);
  return Float64Array.from(orders, (a) => steps * rdpSubsampledGaussian(q, sigma, a));
}

/**
 * The (ε, δ)-DP of an RDP curve: min over orders of ε(α) + ln(1 − 1/α) − (ln δ + ln α)/(α − 1)
 * (Balle et al. 2020, Theorem 21), with the order reached.
 */
export function epsilonFromRdp(orders: readonly number[], rdp: ArrayLike<number>, delta: number): { epsilon: number; order: number } {
  if (!(delta > 0 && delta < 1)) throw new UsageError(`delta must be in (0, 1), got ${delta}`);
  let best = { epsilon: Infinity, order: NaN };
  orders.forEach((a, i) => {
    const e = rdp[i] + Math.log1p(-1 / a) - (Math.log(delta) + Math.log(a)) / (a - 1);
    if (e < best.epsilon) best = { epsilon: Math.max(0, e), order: a };
  });
  return best;
}

/** What DP-SGD spends: ε at δ after `steps` steps of Poisson rate q and noise multiplier σ. */
export function dpSgdEpsilon(
  q: number,
  sigma: number,
  steps: number,
  delta: number,
  orders: readonly number[] = DEFAULT_ORDERS,
): { epsilon: number; order: number } {
  return epsilonFromRdp(orders, rdpOfSteps(q, sigma, steps, orders), delta);
}

/**
 * The inverse: the smallest noise multiplier (to 1e-4 relative) for which `steps` steps at rate q
 * stay within (ε, δ).
 */
export function dpSgdNoiseMultiplier(
  q: number,
  steps: number,
  epsilon: number,
  delta: number,
  orders: readonly number[] = DEFAULT_ORDERS,
): number {
  if (!(epsilon > 0)) throw new UsageError(`the target epsilon must be > 0, got ${epsilon}`);
  const eps = (s: number) => dpSgdEpsilon(q, s, steps, delta, orders).epsilon;
  let lo = 0;
  let hi = 1;
  while (eps(hi) > epsilon) {
    lo = hi;
    hi *= 2;
    if (hi > 1e6) throw new UsageError(`no noise multiplier up to 1e6 reaches epsilon ${epsilon} at delta ${delta}`);
  }
  while (hi - lo > 1e-4 * hi) {
    const mid = (lo + hi) / 2;
    if (eps(mid) > epsilon) lo = mid;
    else hi = mid;
  }
  return hi;
}
