import type { Matrix } from '../math/matrix.js';
import { UsageError } from '../errors.js';
import { frameAll, SpectrumFrames, type FramingSpec, type PadMode } from './frames.js';
import { applyMel, melFilterbank, type MelFilterbank, type MelOptions } from './mel.js';
import { makeWindow, type WindowKind } from './window.js';

/** STFT options, librosa.stft's names and defaults. */
export interface StftOptions {
  /** FFT length. Default 2048. */
  nFft?: number;
  /** Default nFft / 4 (floored). */
  hopLength?: number;
  /** Window length, ≤ nFft; the window is zero-padded on both sides to nFft (librosa's pad_center). Default nFft. */
  winLength?: number;
  /** Default 'hann' (periodic). */
  window?: WindowKind;
  /** Centre frame t on sample t·hop by padding nFft/2 samples at both ends. Default true. */
  center?: boolean;
  /** Padding when centred. Default 'constant' (zeros; librosa ≥ 0.10). */
  padMode?: PadMode;
  /** Float64 FFT in TypeScript instead of the float32 WASM SIMD kernel (~5× slower, ~1e-12 instead of ~1e-6 relative). Default false. */
  exact?: boolean;
}

/** {@link StftOptions} plus the exponent of the magnitude. */
export interface SpectrogramOptions extends StftOptions {
  /** 1 magnitude, 2 power. Default 2 for mel spectrograms, 1 for `spectrogram`. */
  power?: number;
}

/** Resolves librosa's STFT defaults into a {@link FramingSpec}. */
export function stftFraming(options: SpectrogramOptions = {}, defaultPower = 1): FramingSpec {
  const nFft = options.nFft ?? 2048;
  if (!Number.isSafeInteger(nFft) || nFft < 2 || nFft > 1 << 20)
    throw new UsageError(`nFft must be an integer in 2 .. 2^20, got ${String(nFft)}`);
  const hop = options.hopLength ?? Math.floor(nFft / 4);
  const winLength = options.winLength ?? nFft;
  if (!Number.isSafeInteger(winLength) || winLength < 1 || winLength > nFft)
    throw new UsageError(`winLength must be an integer in 1 .. nFft (${nFft}), got ${String(winLength)}`);
  const short = makeWindow(options.window ?? 'hann', winLength, true);
  const window = new Float64Array(nFft);
  window.set(short, Math.floor((nFft - winLength) / 2));
  return {
    nFft,
    frameLength: nFft,
    hop,
    window,
    center: options.center ?? true,
    padMode: options.padMode ?? 'constant',
    power: options.power ?? defaultPower,
    exact: options.exact ?? false,
  };
}

/** Copies the spectrum into the output row (float32). */
function copySpectrum(spectrum: Float64Array | Float32Array, out: Float32Array): void {
  for (let k = 0; k < out.length; k++) out[k] = spectrum[k];
}

/**
 * Magnitude (power 1, default) or power (power 2) spectrogram: `frames × (nFft/2 + 1)`, frame-major
 * (librosa's `np.abs(librosa.stft(y, …)) ** power`, transposed).
 */
export function spectrogram(samples: ArrayLike<number>, options: SpectrogramOptions = {}): Matrix {
  const spec = stftFraming(options, 1);
  const bins = (spec.nFft >> 1) + 1;
  const data = frameAll(new SpectrumFrames(spec, bins, copySpectrum), samples);
  return { rows: data.length / bins, dim: bins, data };
}

/** A streaming mel spectrogram (power 2 by default): push chunks, get finished frames × nMels. */
export class MelFrames {
  readonly stream: SpectrumFrames;
  readonly bank: MelFilterbank;

  constructor(sampleRate: number, options: SpectrogramOptions & MelOptions = {}) {
    const spec = stftFraming(options, 2);
    this.bank = melFilterbank(sampleRate, spec.nFft, options);
    const bank = this.bank;
    const tmp = new Float64Array(bank.nMels);
    this.stream = new SpectrumFrames(spec, bank.nMels, (spectrum, out) => {
      applyMel(bank, spectrum, tmp);
      for (let m = 0; m < out.length; m++) out[m] = tmp[m];
    });
  }

  get nMels(): number {
    return this.bank.nMels;
  }

  push(samples: ArrayLike<number>): Float32Array {
    return this.stream.push(samples);
  }

  end(): Float32Array {
    return this.stream.end();
  }
}

/** librosa.feature.melspectrogram (power 2, 128 Slaney bands by default): `frames × nMels`. */
export function melSpectrogram(samples: ArrayLike<number>, sampleRate: number, options: SpectrogramOptions & MelOptions = {}): Matrix {
  const mel = new MelFrames(sampleRate, options);
  const data = frameAll(mel.stream, samples);
  return { rows: data.length / mel.nMels, dim: mel.nMels, data };
}
