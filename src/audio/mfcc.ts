import type { Matrix } from '../math/matrix.js';
import { UsageError } from '../errors.js';
import { powerToDb, type PowerToDbOptions } from './db.js';
import { Dct2 } from './dct.js';
import type { MelOptions } from './mel.js';
import { melSpectrogram, type SpectrogramOptions } from './stft.js';

/** Options of {@link mfcc}: librosa.feature.mfcc's (n_mfcc 20, DCT-II ortho, no liftering) plus the mel spectrogram's. */
export interface MfccOptions extends SpectrogramOptions, MelOptions, PowerToDbOptions {
  /** Coefficients kept. Default 20. */
  nMfcc?: number;
  /** Sinusoidal liftering 1 + (L/2)·sin(π(k+1)/L) (librosa's lifter); 0 = none. Default 0. */
  lifter?: number;
}

/** MFCCs of a log-power (dB) mel matrix `frames × nMels`: DCT-II (ortho) of each frame. */
export function mfccFromLogMel(logMel: Matrix, nMfcc = 20, lifter = 0): Matrix {
  if (!Number.isSafeInteger(nMfcc) || nMfcc < 1 || nMfcc > logMel.dim)
    throw new UsageError(`nMfcc must be an integer in 1 .. nMels (${logMel.dim}), got ${String(nMfcc)}`);
  if (!(lifter >= 0)) throw new UsageError(`lifter must be ≥ 0, got ${String(lifter)}`);
  const dct = new Dct2(logMel.dim, nMfcc);
  const data = new Float32Array(logMel.rows * nMfcc);
  const row = new Float64Array(nMfcc);
  for (let t = 0; t < logMel.rows; t++) {
    dct.apply(logMel.data.subarray(t * logMel.dim, (t + 1) * logMel.dim), row);
    for (let k = 0; k < nMfcc; k++)
      data[t * nMfcc + k] = lifter > 0 ? row[k] * (1 + (lifter / 2) * Math.sin((Math.PI * (k + 1)) / lifter)) : row[k];
  }
  return { rows: logMel.rows, dim: nMfcc, data };
}

/** librosa.feature.mfcc(y, sr): `frames × nMfcc`, from power_to_db of the (power) mel spectrogram. */
export function mfcc(samples: ArrayLike<number>, sampleRate: number, options: MfccOptions = {}): Matrix {
  const mel = melSpectrogram(samples, sampleRate, options);
  return mfccFromLogMel(powerToDb(mel, options), options.nMfcc ?? 20, options.lifter ?? 0);
}

/**
 * librosa.feature.delta (Savitzky–Golay derivative along time, mode 'interp'): order 1 or 2 over a
 * window of `width` frames (odd, default 9). With the 'interp' mode the first and last width/2
 * frames take the derivative of the polynomial fitted to the first/last full window, which for these
 * orders is the value at that window's centre. When the clip has fewer frames than `width`, the
 * largest odd width that fits is used (librosa raises instead); under 3 frames the deltas are 0.
 */
export function delta(features: Matrix, options: { width?: number; order?: 1 | 2 } = {}): Matrix {
  const order = options.order ?? 1;
  let width = options.width ?? 9;
  if (order !== 1 && order !== 2) throw new UsageError(`delta order must be 1 or 2, got ${String(order)}`);
  if (!Number.isSafeInteger(width) || width < 3 || width % 2 === 0)
    throw new UsageError(`delta width must be an odd integer ≥ 3, got ${String(width)}`);
  const { rows, dim } = features;
  const out = new Float32Array(rows * dim);
  if (width > rows) width = rows % 2 === 1 ? rows : rows - 1;
  if (width < 3) return { rows, dim, data: out };
  const half = width >> 1;
  const coef = new Float64Array(width);
  if (order === 1) {
    let sum = 0;
    for (let j = -half; j <= half; j++) sum += j * j;
    for (let j = -half; j <= half; j++) coef[j + half] = j / sum;
  } else {
    // Second derivative of the least-squares parabola: 2·c, c = Σ (j² − m) x_j / Σ (j² − m)².
    let m = 0;
    for (let j = -half; j <= half; j++) m += j * j;
    m /= width;
    let sum = 0;
    for (let j = -half; j <= half; j++) sum += (j * j - m) ** 2;
    for (let j = -half; j <= half; j++) coef[j + half] = (2 * (j * j - m)) / sum;
  }
  const x = features.data;
  for (let t = 0; t < rows; t++) {
    const c = Math.min(Math.max(t, half), rows - 1 - half);
    for (let d = 0; d < dim; d++) {
      let s = 0;
      for (let j = 0; j < width; j++) s += coef[j] * x[(c - half + j) * dim + d];
      out[t * dim + d] = s;
    }
  }
  return { rows, dim, data: out };
}
