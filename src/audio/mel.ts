import { UsageError } from '../errors.js';

/** Mel scales: Slaney's (linear below 1 kHz, logarithmic above; librosa's default) or HTK's 2595·log10(1 + f/700). */
export type MelScale = 'slaney' | 'htk';
/** Band normalisation: 'slaney' divides each triangle by its width in Hz (constant energy per band), 'none' keeps peak 1. */
export type MelNorm = 'slaney' | 'none';

const F_SP = 200 / 3;
const MIN_LOG_HZ = 1000;
const MIN_LOG_MEL = MIN_LOG_HZ / F_SP;
const LOG_STEP = Math.log(6.4) / 27;

/** Hz → mel (librosa.hz_to_mel). */
export function hzToMel(hz: number, scale: MelScale = 'slaney'): number {
  if (scale === 'htk') return 2595 * Math.log10(1 + hz / 700);
  return hz >= MIN_LOG_HZ ? MIN_LOG_MEL + Math.log(hz / MIN_LOG_HZ) / LOG_STEP : hz / F_SP;
}

/** Mel → Hz (librosa.mel_to_hz). */
export function melToHz(mel: number, scale: MelScale = 'slaney'): number {
  if (scale === 'htk') return 700 * (10 ** (mel / 2595) - 1);
  return mel >= MIN_LOG_MEL ? MIN_LOG_HZ * Math.exp(LOG_STEP * (mel - MIN_LOG_MEL)) : F_SP * mel;
}

/** Options of {@link melFilterbank}, librosa.filters.mel's names and defaults. */
export interface MelOptions {
  /** Default 128. */
  nMels?: number;
  /** Default 0. */
  fmin?: number;
  /** Default sampleRate / 2. */
  fmax?: number;
  /** Default 'slaney'. */
  scale?: MelScale;
  /** Default 'slaney'. */
  norm?: MelNorm;
}

/**
 * A mel filterbank stored sparsely: band `m` has weights `weights[m]` on bins `start[m]`,
 * `start[m] + 1`, … (each triangle covers a short run of bins, so applying it costs ~2 × bins).
 */
export interface MelFilterbank {
  nMels: number;
  bins: number;
  start: Int32Array;
  weights: Float64Array[];
}

/** Builds the dense band × bin weights of a filterbank from its triangle edges, then stores it sparsely. */
function sparse(dense: Float64Array[], bins: number): MelFilterbank {
  const start = new Int32Array(dense.length);
  const weights = dense.map((row, m) => {
    let lo = 0;
    while (lo < bins && row[lo] === 0) lo++;
    let hi = bins;
    while (hi > lo && row[hi - 1] === 0) hi--;
    start[m] = lo;
    return row.slice(lo, hi);
  });
  return { nMels: dense.length, bins, start, weights };
}

/**
 * The mel filterbank of librosa.filters.mel (librosa ≥ 0.10): `nMels` triangles, linear in Hz
 * between mel-spaced edges, over the `nFft/2 + 1` bins of an rfft at `sampleRate`.
 */
export function melFilterbank(sampleRate: number, nFft: number, options: MelOptions = {}): MelFilterbank {
  const nMels = options.nMels ?? 128;
  const fmin = options.fmin ?? 0;
  const fmax = options.fmax ?? sampleRate / 2;
  const scale = options.scale ?? 'slaney';
  const norm = options.norm ?? 'slaney';
  if (!(sampleRate > 0 && Number.isFinite(sampleRate))) throw new UsageError(`sample rate must be positive, got ${String(sampleRate)}`);
  if (!Number.isSafeInteger(nMels) || nMels < 1 || nMels > 4096)
    throw new UsageError(`nMels must be an integer in 1 .. 4096, got ${String(nMels)}`);
  if (!(fmin >= 0 && fmax > fmin && fmax <= sampleRate / 2 + 1e-9))
    throw new UsageError(`need 0 ≤ fmin < fmax ≤ sampleRate/2, got fmin ${fmin}, fmax ${fmax}, sample rate ${sampleRate}`);
  if (scale !== 'slaney' && scale !== 'htk') throw new UsageError(`mel scale must be 'slaney' or 'htk', got '${String(scale)}'`);
  if (norm !== 'slaney' && norm !== 'none') throw new UsageError(`mel norm must be 'slaney' or 'none', got '${String(norm)}'`);
  const bins = (nFft >> 1) + 1;
  const fft = new Float64Array(bins);
  for (let k = 0; k < bins; k++) fft[k] = (k * sampleRate) / nFft;
  const lo = hzToMel(fmin, scale);
  const hi = hzToMel(fmax, scale);
  const edges = new Float64Array(nMels + 2);
  for (let i = 0; i < nMels + 2; i++) edges[i] = melToHz(lo + ((hi - lo) * i) / (nMels + 1), scale);
  const dense: Float64Array[] = [];
  for (let m = 0; m < nMels; m++) {
    const row = new Float64Array(bins);
    const left = edges[m + 1] - edges[m];
    const right = edges[m + 2] - edges[m + 1];
    const enorm = norm === 'slaney' ? 2 / (edges[m + 2] - edges[m]) : 1;
    for (let k = 0; k < bins; k++) {
      const lower = (fft[k] - edges[m]) / left;
      const upper = (edges[m + 2] - fft[k]) / right;
      row[k] = Math.max(0, Math.min(lower, upper)) * enorm;
    }
    dense.push(row);
  }
  return sparse(dense, bins);
}

/**
 * The mel matrix of VGGish/YAMNet (tensorflow/models research/audioset mel_features.py
 * `spectrogram_to_mel_matrix`, same as tf.signal.linear_to_mel_weight_matrix): triangles linear in
 * *mel* (HTK, 1127·ln(1 + f/700)) between edges, no normalisation, DC bin weight 0.
 */
export function vggishMelFilterbank(sampleRate: number, bins: number, nMels: number, lowerHz: number, upperHz: number): MelFilterbank {
  const toMel = (hz: number): number => 1127 * Math.log(1 + hz / 700);
  const binMel = new Float64Array(bins);
  for (let k = 0; k < bins; k++) binMel[k] = toMel(((sampleRate / 2) * k) / (bins - 1));
  const lo = toMel(lowerHz);
  const hi = toMel(upperHz);
  const dense: Float64Array[] = [];
  for (let m = 0; m < nMels; m++) {
    const a = lo + ((hi - lo) * m) / (nMels + 1);
    const c = lo + ((hi - lo) * (m + 1)) / (nMels + 1);
    const b = lo + ((hi - lo) * (m + 2)) / (nMels + 1);
    const row = new Float64Array(bins);
    for (let k = 1; k < bins; k++) row[k] = Math.max(0, Math.min((binMel[k] - a) / (c - a), (b - binMel[k]) / (b - c)));
    dense.push(row);
  }
  return sparse(dense, bins);
}

/** Band energies of one spectrum: out[m] = Σ_k weights[m][k] · spectrum[start[m] + k]. */
export function applyMel(bank: MelFilterbank, spectrum: Float64Array | Float32Array, out: Float64Array): void {
  for (let m = 0; m < bank.nMels; m++) {
    const w = bank.weights[m];
    const s = bank.start[m];
    let sum = 0;
    for (let k = 0; k < w.length; k++) sum += w[k] * spectrum[s + k];
    out[m] = sum;
  }
}
