import { UsageError } from '../../errors.js';
import { gaussianDelta, gaussianSigma, type GaussianCalibration } from './gaussian-calibration.js';
import { GaussianNoise } from './noise.js';

/** Options of {@link privatizeVectors}. */
export interface PrivatizeOptions {
  epsilon: number;
  delta: number;
  /** L2 norm each vector is clipped to before the noise. */
  clip: number;
  /** 'analytic' (default; Balle & Wang 2018) or 'classic' (Dwork & Roth, ε < 1 only). */
  calibration?: GaussianCalibration;
  /** Makes the noise repeatable (tests, benchmarks); without it the noise comes from the OS CSPRNG. */
  seed?: number;
}

/** A release: the noisy vectors and its accounting. */
export interface PrivatizedVectors {
  data: Float32Array;
  rows: number;
  dim: number;
  epsilon: number;
  delta: number;
  /** The δ the chosen σ actually gives at ε (≤ delta; exact, Balle & Wang Theorem 8). */
  achievedDelta: number;
  clip: number;
  /** L2 sensitivity of one released vector: 2·clip (one person's vector replaced by any other). */
  sensitivity: number;
  sigma: number;
  calibration: GaussianCalibration;
  /** Rows whose norm exceeded `clip` and were scaled down to it. */
  clippedRows: number;
}

/**
 * Releases vectors with the Gaussian mechanism: each row is scaled to L2 norm ≤ clip, then N(0, σ²)
 * is added to every value, σ calibrated to (ε, δ) for the L2 sensitivity 2·clip. Each row is one
 * person's data released on its own (local model): every row gets (ε, δ)-DP with respect to its
 * content, and rows of different people compose in parallel. A person with several rows spends
 * (ε, δ) per row (see docs/privacy.md).
 */
export function privatizeVectors(input: { data: Float32Array; rows: number; dim: number }, options: PrivatizeOptions): PrivatizedVectors {
  const { rows, dim } = input;
  if (input.data.length !== rows * dim) throw new UsageError(`${input.data.length} values for ${rows} rows of ${dim}`);
  const { epsilon, delta, clip } = options;
  if (!(clip > 0 && Number.isFinite(clip))) throw new UsageError(`the clip norm must be a finite number > 0, got ${clip}`);
  const calibration = options.calibration ?? 'analytic';
  const sensitivity = 2 * clip;
  const sigma = gaussianSigma(epsilon, delta, sensitivity, calibration);
  const noise = new GaussianNoise(options.seed);
  const out = new Float32Array(rows * dim);
  const row = new Float64Array(dim);
  let clippedRows = 0;
  for (let r = 0; r < rows; r++) {
    let n2 = 0;
    for (let j = 0; j < dim; j++) {
      const v = input.data[r * dim + j];
      if (!Number.isFinite(v)) throw new UsageError(`row ${r} holds a non-finite value`);
      row[j] = v;
      n2 += v * v;
    }
    const norm = Math.sqrt(n2);
    const f = norm > clip ? clip / norm : 1;
    if (f < 1) clippedRows++;
    for (let j = 0; j < dim; j++) out[r * dim + j] = row[j] * f + sigma * noise.normal();
  }
  return {
    data: out,
    rows,
    dim,
    epsilon,
    delta,
    achievedDelta: gaussianDelta(sigma, epsilon, sensitivity),
    clip,
    sensitivity,
    sigma,
    calibration,
    clippedRows,
  };
}
