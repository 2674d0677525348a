import type { Matrix } from '../math/matrix.js';
import { UsageError } from '../errors.js';
import { SpectrumFrames } from './frames.js';
import { framesMatrix } from './spectral.js';
import { stftFraming, type SpectrogramOptions } from './stft.js';

/** Options of {@link chroma}: librosa.feature.chroma_stft's, with a fixed tuning. */
export interface ChromaOptions extends SpectrogramOptions {
  /** Default 12. */
  nChroma?: number;
  /**
   * Tuning deviation from A440 in fractions of a chroma bin. Default 0. librosa estimates it from
   * the signal when not given (`tuning=None`); pass `tuning=0` to librosa to compare.
   */
  tuning?: number;
}

/** librosa.filters.chroma (ctroct 5, octwidth 2, norm 2, base_c): `nChroma × bins` row-major. */
export function chromaFilterbank(sampleRate: number, nFft: number, nChroma = 12, tuning = 0): Float64Array {
  if (!Number.isSafeInteger(nChroma) || nChroma < 1 || nChroma > 1200)
    throw new UsageError(`nChroma must be an integer in 1 .. 1200, got ${String(nChroma)}`);
  const bins = (nFft >> 1) + 1;
  const a440 = 440 * 2 ** (tuning / nChroma);
  const frq = new Float64Array(nFft);
  for (let k = 1; k < nFft; k++) frq[k] = nChroma * Math.log2((k * sampleRate) / nFft / (a440 / 16));
  frq[0] = frq[1] - 1.5 * nChroma;
  const width = new Float64Array(nFft);
  for (let k = 0; k < nFft - 1; k++) width[k] = Math.max(frq[k + 1] - frq[k], 1);
  width[nFft - 1] = 1;
  const half = Math.round(nChroma / 2);
  const w = new Float64Array(nChroma * nFft);
  for (let k = 0; k < nFft; k++) {
    let norm = 0;
    for (let c = 0; c < nChroma; c++) {
      const x = frq[k] - c + half + 10 * nChroma;
      const d = (((x % nChroma) + nChroma) % nChroma) - half;
      const v = Math.exp(-0.5 * ((2 * d) / width[k]) ** 2);
      w[c * nFft + k] = v;
      norm += v * v;
    }
    norm = Math.sqrt(norm);
    const octave = Math.exp(-0.5 * ((frq[k] / nChroma - 5) / 2) ** 2);
    for (let c = 0; c < nChroma; c++) w[c * nFft + k] = (norm < 1.1754943508222875e-38 ? w[c * nFft + k] : w[c * nFft + k] / norm) * octave;
  }
  // base_c: roll so that row 0 is C (3 chroma bins below A's octave start).
  const shift = 3 * Math.floor(nChroma / 12);
  const out = new Float64Array(nChroma * bins);
  for (let c = 0; c < nChroma; c++) {
    const src = (((c + shift) % nChroma) + nChroma) % nChroma;
    for (let k = 0; k < bins; k++) out[c * bins + k] = w[src * nFft + k];
  }
  return out;
}

/** librosa.feature.chroma_stft (power spectrogram, each frame scaled to max 1): `frames × nChroma`. */
export function chroma(samples: ArrayLike<number>, sampleRate: number, options: ChromaOptions = {}): Matrix {
  const spec = stftFraming(options, 2);
  const nChroma = options.nChroma ?? 12;
  const bank = chromaFilterbank(sampleRate, spec.nFft, nChroma, options.tuning ?? 0);
  const bins = (spec.nFft >> 1) + 1;
  const stream = new SpectrumFrames(spec, nChroma, (spectrum, out) => {
    let max = 0;
    for (let c = 0; c < nChroma; c++) {
      let s = 0;
      for (let k = 0; k < bins; k++) s += bank[c * bins + k] * spectrum[k];
      out[c] = s;
      if (Math.abs(s) > max) max = Math.abs(s);
    }
    if (max >= 1.1754943508222875e-38) for (let c = 0; c < nChroma; c++) out[c] /= max;
  });
  return framesMatrix(stream, samples);
}
