import type { Matrix } from '../math/matrix.js';
import { UsageError } from '../errors.js';
import { frameAll, SpectrumFrames } from './frames.js';
import { spectrogram, stftFraming, type SpectrogramOptions } from './stft.js';

/** Frequencies of the rfft bins of `nFft` at `sampleRate`. */
function binFrequencies(sampleRate: number, bins: number): Float64Array {
  const f = new Float64Array(bins);
  for (let k = 0; k < bins; k++) f[k] = (k * sampleRate) / (2 * (bins - 1));
  return f;
}

/** Smallest positive float32 normal (numpy's `tiny`, librosa's threshold for an all-zero frame). */
const TINY = 1.1754943508222875e-38;

/** Per-frame statistic of a magnitude spectrogram (librosa's defaults: |STFT|, nFft 2048, hop 512, centred). */
function perFrame(
  samples: ArrayLike<number>,
  sampleRate: number,
  options: SpectrogramOptions,
  fn: (row: Float32Array, freq: Float64Array) => number,
): Float32Array {
  if (!(sampleRate > 0)) throw new UsageError(`sample rate must be positive, got ${String(sampleRate)}`);
  const S = spectrogram(samples, { power: 1, ...options });
  const freq = binFrequencies(sampleRate, S.dim);
  const out = new Float32Array(S.rows);
  for (let t = 0; t < S.rows; t++) out[t] = fn(S.data.subarray(t * S.dim, (t + 1) * S.dim), freq);
  return out;
}

/** librosa.feature.spectral_centroid: Σ f·S / Σ S per frame (0 for a silent frame). */
export function spectralCentroid(samples: ArrayLike<number>, sampleRate: number, options: SpectrogramOptions = {}): Float32Array {
  return perFrame(samples, sampleRate, options, (row, freq) => centroidOf(row, freq));
}

function centroidOf(row: Float32Array, freq: Float64Array): number {
  let sum = 0;
  let weighted = 0;
  for (let k = 0; k < row.length; k++) {
    sum += row[k];
    weighted += freq[k] * row[k];
  }
  return sum < TINY ? 0 : weighted / sum;
}

/** librosa.feature.spectral_bandwidth (p = 2): (Σ S/ΣS · |f − centroid|^p)^(1/p). */
export function spectralBandwidth(
  samples: ArrayLike<number>,
  sampleRate: number,
  options: SpectrogramOptions & { p?: number } = {},
): Float32Array {
  const p = options.p ?? 2;
  return perFrame(samples, sampleRate, options, (row, freq) => {
    let sum = 0;
    for (let k = 0; k < row.length; k++) sum += row[k];
    if (sum < TINY) return 0;
    const c = centroidOf(row, freq);
    let acc = 0;
    for (let k = 0; k < row.length; k++) acc += (row[k] / sum) * Math.abs(freq[k] - c) ** p;
    return acc ** (1 / p);
  });
}

/** librosa.feature.spectral_rolloff: lowest bin frequency where the cumulative magnitude reaches rollPercent (0.85) of the total. */
export function spectralRolloff(
  samples: ArrayLike<number>,
  sampleRate: number,
  options: SpectrogramOptions & { rollPercent?: number } = {},
): Float32Array {
  const roll = options.rollPercent ?? 0.85;
  if (!(roll > 0 && roll < 1)) throw new UsageError(`rollPercent must be in (0, 1), got ${String(roll)}`);
  return perFrame(samples, sampleRate, options, (row, freq) => {
    let total = 0;
    // float32 accumulation, as librosa's cumsum over a float32 spectrogram.
    for (let k = 0; k < row.length; k++) total += row[k];
    const threshold = roll * total;
    let acc = 0;
    for (let k = 0; k < row.length; k++) {
      acc += row[k];
      if (acc >= threshold) return freq[k];
    }
    return freq[row.length - 1];
  });
}

/** librosa.feature.spectral_flatness (power 2, amin 1e-10): geometric mean / arithmetic mean of max(amin, S²). */
export function spectralFlatness(
  samples: ArrayLike<number>,
  sampleRate: number,
  options: SpectrogramOptions & { amin?: number } = {},
): Float32Array {
  const amin = options.amin ?? 1e-10;
  return perFrame(samples, sampleRate, options, (row) => {
    let logSum = 0;
    let sum = 0;
    for (let k = 0; k < row.length; k++) {
      const v = Math.max(amin, row[k] * row[k]);
      logSum += Math.log(v);
      sum += v;
    }
    return Math.exp(logSum / row.length) / (sum / row.length);
  });
}

/** Framing of the time-domain features (RMS, ZCR): librosa's frame_length 2048, hop 512, centred. */
export interface TimeFrameOptions {
  frameLength?: number;
  hopLength?: number;
  center?: boolean;
}

/** Time-domain frames through the framing engine (rectangular window; the FFT length is unused but must be ≥ frame). */
function timeFrames(
  samples: ArrayLike<number>,
  options: TimeFrameOptions,
  padMode: 'constant' | 'edge',
  fn: (frame: Float64Array) => number,
): Float32Array {
  const frameLength = options.frameLength ?? 2048;
  const hop = options.hopLength ?? 512;
  const base = stftFraming({ nFft: frameLength, hopLength: hop, window: 'rectangular', center: options.center ?? true, padMode });
  const out: number[] = [];
  // The framing engine hands spectra to its transform; here the frames themselves are needed, so
  // frame by index instead (same padding rules).
  const pad = base.center ? frameLength >> 1 : 0;
  const n = samples.length;
  const total = n + 2 * pad;
  const frame = new Float64Array(frameLength);
  for (let start = 0; start + frameLength <= total; start += hop) {
    for (let i = 0; i < frameLength; i++) {
      const j = start + i - pad;
      frame[i] = j >= 0 && j < n ? samples[j] : padMode === 'edge' && n > 0 ? samples[j < 0 ? 0 : n - 1] : 0;
    }
    out.push(fn(frame));
  }
  return Float32Array.from(out);
}

/** librosa.feature.rms (from the waveform): √(mean x²) per frame, zero padding when centred. */
export function rms(samples: ArrayLike<number>, options: TimeFrameOptions = {}): Float32Array {
  return timeFrames(samples, options, 'constant', (frame) => {
    let s = 0;
    for (let i = 0; i < frame.length; i++) s += frame[i] * frame[i];
    return Math.sqrt(s / frame.length);
  });
}

/**
 * librosa.feature.zero_crossing_rate: sign changes inside each frame / frame length, samples with
 * |x| ≤ 1e-10 counting as positive zero; edge padding when centred.
 */
export function zeroCrossingRate(samples: ArrayLike<number>, options: TimeFrameOptions & { threshold?: number } = {}): Float32Array {
  const threshold = options.threshold ?? 1e-10;
  return timeFrames(samples, options, 'edge', (frame) => {
    let count = 0;
    let previous = frame[0] < -threshold;
    for (let i = 1; i < frame.length; i++) {
      const negative = frame[i] < -threshold;
      if (negative !== previous) count++;
      previous = negative;
    }
    return count / frame.length;
  });
}

/** Frame-wise feature matrix of a streaming spectrum (exported for the chroma and the features CLI). */
export function framesMatrix(stream: SpectrumFrames, samples: ArrayLike<number>): Matrix {
  const data = frameAll(stream, samples);
  return { rows: data.length / stream.dim, dim: stream.dim, data };
}
