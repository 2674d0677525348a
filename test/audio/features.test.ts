/**
 * Features against an independent numpy/scipy implementation of librosa's conventions
 * (test/audio/reference.py, Debian python3-scipy): 1e-4 relative.
 */
import { describe, expect, it } from 'vitest';
import { chroma } from '../../src/audio/chroma.js';
import { powerToDb } from '../../src/audio/db.js';
import { RealFft } from '../../src/audio/fft.js';
import { MelFrames, melSpectrogram, spectrogram } from '../../src/audio/stft.js';
import { delta, mfcc, mfccFromLogMel } from '../../src/audio/mfcc.js';
import { rms, spectralBandwidth, spectralCentroid, spectralFlatness, spectralRolloff, zeroCrossingRate } from '../../src/audio/spectral.js';
import { vggishLogMel } from '../../src/audio/vggish.js';
import { expectClose, reference, testSignal } from './helpers.js';

const SR = 22050;
const y = testSignal(SR, 1.5);
const ref = reference(y, SR, ['spectrogram', 'mel', 'spectral', 'chroma']);

describe('FFT', () => {
  it('matches a direct DFT for power-of-two and other lengths', () => {
    for (const n of [8, 512, 400, 17]) {
      const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 0.7) + (i % 3) * 0.1);
      const fft = new RealFft(n);
      const re = new Float64Array(fft.bins);
      const im = new Float64Array(fft.bins);
      fft.forward(x, re, im);
      for (let k = 0; k < fft.bins; k++) {
        let r = 0;
        let s = 0;
        for (let t = 0; t < n; t++) {
          r += x[t] * Math.cos((2 * Math.PI * k * t) / n);
          s -= x[t] * Math.sin((2 * Math.PI * k * t) / n);
        }
        expect(Math.abs(re[k] - r)).toBeLessThan(1e-9 * n);
        expect(Math.abs(im[k] - s)).toBeLessThan(1e-9 * n);
      }
    }
  });
});

describe('STFT and spectrograms (librosa defaults)', () => {
  it('magnitude spectrogram: nFft 2048, hop 512, centred, zero padding', () => {
    const S = spectrogram(y);
    expect(S.dim).toBe(1025);
    expectClose(S.data, ref.spectrogram);
  });

  it('the float64 TypeScript FFT (exact) agrees with the reference and the kernel', () => {
    const exact = spectrogram(y, { exact: true });
    expectClose(exact.data, ref.spectrogram, 2e-7); // float32 output rounding only
    expectClose(spectrogram(y).data, Array.from(exact.data));
  });

  it('reflect padding, a window shorter than the FFT, Hamming, power 2', () => {
    const S = spectrogram(y, { nFft: 512, hopLength: 100, winLength: 400, padMode: 'reflect', power: 2, window: 'hamming' });
    expectClose(S.data, ref.spectrogram_reflect_400);
  });

  it('a non-power-of-two FFT without centring', () => {
    expectClose(spectrogram(y, { nFft: 400, hopLength: 160, center: false }).data, ref.spectrogram_odd);
  });

  it('streams: chunks of any size give the frames of the whole signal', () => {
    const whole = melSpectrogram(y, SR);
    for (const chunk of [1, 777, 5000]) {
      const m = new MelFrames(SR);
      const parts: Float32Array[] = [];
      for (let i = 0; i < y.length; i += chunk) parts.push(m.push(y.subarray(i, i + chunk)));
      parts.push(m.end());
      const data = Float32Array.from(parts.flatMap((p) => Array.from(p)));
      expect(data).toEqual(whole.data);
      if (chunk === 5000) break;
    }
  });
});

describe('mel, log-mel, MFCC', () => {
  it('melspectrogram: 128 Slaney bands, slaney norm, power 2', () => {
    expectClose(melSpectrogram(y, SR).data, ref.melspectrogram);
  });

  it('HTK mel without norm, fmin/fmax', () => {
    expectClose(melSpectrogram(y, SR, { nMels: 40, fmin: 60, fmax: 7600, scale: 'htk', norm: 'none' }).data, ref.mel_htk);
  });

  it('power_to_db (ref 1, amin 1e-10, top_db 80)', () => {
    expectClose(powerToDb(melSpectrogram(y, SR)).data, ref.logmel_db);
  });

  it('MFCC (n_mfcc 20, DCT-II ortho) and Savitzky–Golay deltas', () => {
    const m = mfcc(y, SR);
    expect(m.dim).toBe(20);
    expectClose(m.data, ref.mfcc);
    expectClose(delta(m).data, ref.delta);
    expectClose(delta(m, { order: 2 }).data, ref.delta2);
    expect(mfccFromLogMel(powerToDb(melSpectrogram(y, SR))).data).toEqual(m.data);
  });
});

describe('spectral and time-domain features', () => {
  it('centroid, bandwidth, rolloff, flatness', () => {
    expectClose(spectralCentroid(y, SR), ref.centroid);
    expectClose(spectralBandwidth(y, SR), ref.bandwidth);
    expectClose(spectralRolloff(y, SR), ref.rolloff);
    expectClose(spectralFlatness(y, SR), ref.flatness);
  });

  it('RMS and zero-crossing rate', () => {
    expectClose(rms(y), ref.rms);
    expectClose(zeroCrossingRate(y), ref.zcr, 0);
  });

  it('chroma_stft (tuning 0)', () => {
    expectClose(chroma(y, SR).data, ref.chroma);
  });
});

describe('VGGish/YAMNet front end', () => {
  it('equals mel_features.py: 400/160/512, periodic Hann, 64 HTK bands 125–7500 Hz, log(mel + 0.01)', () => {
    const y16 = testSignal(16000, 1.2, 7);
    const r = reference(y16, 16000, ['vggish']);
    const m = vggishLogMel(y16);
    expect(m.dim).toBe(64);
    expect(m.rows).toBe(1 + Math.floor((y16.length - 400) / 160));
    // Logs near 0 (mel + 0.01 ≈ 1) make a relative test of the log meaningless: compare the mel
    // energies (exp of the log) relatively, and the logs absolutely.
    expectClose(
      m.data.map((v) => Math.exp(v)),
      (r.vggish as number[][]).map((row) => row.map((v) => Math.exp(v))),
    );
    const flat = (r.vggish as number[][]).flat();
    let worst = 0;
    for (let i = 0; i < flat.length; i++) worst = Math.max(worst, Math.abs(m.data[i] - flat[i]));
    expect(worst).toBeLessThan(1e-5);
  });
});
