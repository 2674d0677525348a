import { UsageError } from '../../errors.js';
import { logNormalCdf } from './normal.js';

/** How the Gaussian mechanism's σ is derived from (ε, δ). */
export type GaussianCalibration = 'analytic' | 'classic';

function check(epsilon: number, delta: number, sensitivity: number): void {
  if (!(epsilon > 0 && Number.isFinite(epsilon))) throw new UsageError(`epsilon must be a finite number > 0, got ${epsilon}`);
  if (!(delta > 0 && delta < 1)) throw new UsageError(`delta must be in (0, 1), got ${delta}`);
  if (!(sensitivity > 0 && Number.isFinite(sensitivity)))
    throw new UsageError(`the sensitivity must be a finite number > 0, got ${sensitivity}`);
}

/**
 * The classic calibration σ = Δ·√(2 ln(1.25/δ))/ε (Dwork & Roth 2014, Theorem A.1), proven for
 * ε < 1 only.
 */
export function classicGaussianSigma(epsilon: number, delta: number, sensitivity: number): number {
  check(epsilon, delta, sensitivity);
  if (epsilon >= 1)
    throw new UsageError(`the classic Gaussian calibration holds for epsilon < 1 only (got ${epsilon}); use the analytic one`);
  return (sensitivity * Math.sqrt(2 * Math.log(1.25 / delta))) / epsilon;
}

/**
 * The exact δ of the Gaussian mechanism with noise σ, L2 sensitivity Δ at a given ε (Balle & Wang
 * 2018, Theorem 8): δ = Φ(Δ/2σ − εσ/Δ) − e^ε Φ(−Δ/2σ − εσ/Δ), in log space so large ε cannot
 * overflow.
 */
export function gaussianDelta(sigma: number, epsilon: number, sensitivity: number): number {
  const a = sensitivity / (2 * sigma);
  const b = (epsilon * sigma) / sensitivity;
  const first = logNormalCdf(a - b);
  const second = epsilon + logNormalCdf(-a - b);
  return second >= first ? 0 : Math.exp(first) * -Math.expm1(second - first);
}

/**
 * The smallest σ for which the Gaussian mechanism is (ε, δ)-DP (the analytic Gaussian mechanism
 * of Balle & Wang 2018, Algorithm 1 solved by bisection on the exact condition of their
 * Theorem 8). Valid for every ε > 0, and smaller than the classic σ.
 */
export function analyticGaussianSigma(epsilon: number, delta: number, sensitivity: number): number {
  check(epsilon, delta, sensitivity);
  let lo = sensitivity * 1e-6;
  let hi = sensitivity;
  while (gaussianDelta(hi, epsilon, sensitivity) > delta) {
    lo = hi;
    hi *= 2;
  }
  for (let i = 0; i < 200 && hi - lo > 1e-14 * hi; i++) {
    const mid = Math.sqrt(lo * hi);
    if (gaussianDelta(mid, epsilon, sensitivity) > delta) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** σ by the chosen calibration. */
export function gaussianSigma(epsilon: number, delta: number, sensitivity: number, calibration: GaussianCalibration = 'analytic'): number {
  return calibration === 'classic' ? classicGaussianSigma(epsilon, delta, sensitivity) : analyticGaussianSigma(epsilon, delta, sensitivity);
}
