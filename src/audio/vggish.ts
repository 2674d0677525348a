import type { Matrix } from '../math/matrix.js';
import { SpectrumFrames } from './frames.js';
import { applyMel, vggishMelFilterbank } from './mel.js';
import { makeWindow } from './window.js';

/**
 * The log-mel front end of VGGish and YAMNet (tensorflow/models research/audioset): 16 kHz mono,
 * frames of 25 ms (400 samples, periodic Hann, zero-padded at the end to a 512-point FFT) every
 * 10 ms (160), no centre padding, magnitude spectrum, 64 mel bands 125–7500 Hz (HTK mel, triangles
 * in mel), log(mel + offset) — offset 0.01 for VGGish, 0.001 for YAMNet. Patches of 96 frames
 * (0.96 s) every 96 frames (VGGish) or 48 frames (YAMNet).
 */
export const VGGISH_FRONT_END = {
  sampleRate: 16000,
  frameLength: 400,
  hop: 160,
  nFft: 512,
  nMels: 64,
  lowerHz: 125,
  upperHz: 7500,
  patchFrames: 96,
} as const;

export type FrontEndModel = 'vggish' | 'yamnet';

/** log offset and patch hop (frames) of each model. */
export const FRONT_END_PARAMS: Record<FrontEndModel, { logOffset: number; patchHop: number }> = {
  vggish: { logOffset: 0.01, patchHop: 96 },
  yamnet: { logOffset: 0.001, patchHop: 48 },
};

/** A streaming VGGish/YAMNet log-mel: push 16 kHz samples, get `frames × 64` rows. */
export class VggishLogMelFrames {
  readonly stream: SpectrumFrames;

  constructor(model: FrontEndModel = 'vggish') {
    const p = VGGISH_FRONT_END;
    const offset = FRONT_END_PARAMS[model].logOffset;
    const bank = vggishMelFilterbank(p.sampleRate, p.nFft / 2 + 1, p.nMels, p.lowerHz, p.upperHz);
    const tmp = new Float64Array(p.nMels);
    this.stream = new SpectrumFrames(
      {
        nFft: p.nFft,
        frameLength: p.frameLength,
        hop: p.hop,
        window: makeWindow('hann', p.frameLength, true),
        center: false,
        padMode: 'constant',
        power: 1,
      },
      p.nMels,
      (spectrum, out) => {
        applyMel(bank, spectrum, tmp);
        for (let m = 0; m < p.nMels; m++) out[m] = Math.log(tmp[m] + offset);
      },
    );
  }

  push(samples: ArrayLike<number>): Float32Array {
    return this.stream.push(samples);
  }

  end(): Float32Array {
    return this.stream.end();
  }
}

/** The whole-signal VGGish/YAMNet log-mel (16 kHz samples): `frames × 64`. */
export function vggishLogMel(samples: ArrayLike<number>, model: FrontEndModel = 'vggish'): Matrix {
  const f = new VggishLogMelFrames(model);
  const a = f.push(samples);
  const b = f.end();
  const data = new Float32Array(a.length + b.length);
  data.set(a);
  data.set(b, a.length);
  return { rows: data.length / VGGISH_FRONT_END.nMels, dim: VGGISH_FRONT_END.nMels, data };
}

/**
 * Cuts a `frames × 64` log-mel into 96-frame patches every `hop` frames (VGGish 96, YAMNet 48) as
 * the published code does. A clip shorter than one patch is padded with the log-mel of silence
 * (log(offset)) to one patch — where the published VGGish gives no example at all — so every clip
 * gets an embedding. Returns `patches × 96 × 64`.
 */
export function logMelPatches(logMel: Matrix, model: FrontEndModel = 'vggish'): { count: number; data: Float32Array } {
  const { patchFrames } = VGGISH_FRONT_END;
  const { logOffset, patchHop } = FRONT_END_PARAMS[model];
  const dim = logMel.dim;
  const size = patchFrames * dim;
  if (logMel.rows < patchFrames) {
    const data = new Float32Array(size).fill(Math.log(logOffset));
    data.set(logMel.data.subarray(0, logMel.rows * dim));
    return { count: 1, data };
  }
  const count = 1 + Math.floor((logMel.rows - patchFrames) / patchHop);
  const data = new Float32Array(count * size);
  for (let p = 0; p < count; p++) data.set(logMel.data.subarray(p * patchHop * dim, p * patchHop * dim + size), p * size);
  return { count, data };
}
