import { vggishLogMel, VGGISH_FRONT_END } from '../../audio/vggish.js';
import type { Random } from '../../learn/random.js';
import type { Matrix } from '../../math/matrix.js';

/** Mel bands of the CNN input: the VGGish/YAMNet front end's 64. */
export const CNN_BANDS = VGGISH_FRONT_END.nMels;
/** log(mel + 0.01) of silence in the VGGish front end. */
const SILENCE = Math.log(0.01);

/** How clips become CNN input patches (saved with the model). */
export interface CnnFrontEnd {
  /** Frames (10 ms) per patch. Default 96 (0.96 s, VGGish's patch). */
  frames: number;
  /** Frames between the patches of a clip longer than one patch. Default 48. */
  hop: number;
  /** Leading/trailing frames quieter than the loudest by more than this (dB) are trimmed. Default 40. */
  trimDb: number;
}

/**
 * The VGGish log-mel (16 kHz mono: 25 ms frames every 10 ms, 64 HTK mel bands 125–7500 Hz,
 * log(mel + 0.01)) of a clip, trimmed of leading and trailing frames more than `trimDb` below the
 * loudest frame (frame level = Σ mel magnitudes), so that a word sits in the patch whatever the
 * silence around it.
 */
export function clipLogMel(samples16k: Float32Array, trimDb: number): Matrix {
  const m = vggishLogMel(samples16k, 'vggish');
  const B = m.dim;
  if (m.rows === 0) return m;
  const level = new Float64Array(m.rows);
  let max = 0;
  for (let t = 0; t < m.rows; t++) {
    let s = 0;
    for (let b = 0; b < B; b++) s += Math.max(0, Math.exp(m.data[t * B + b]) - 0.01);
    level[t] = s;
    if (s > max) max = s;
  }
  const floor = max * 10 ** (-trimDb / 20);
  let a = 0;
  while (a < m.rows - 1 && level[a] < floor) a++;
  let e = m.rows;
  while (e > a + 1 && level[e - 1] < floor) e--;
  return { rows: e - a, dim: B, data: m.data.slice(a * B, e * B) };
}

/** Standardises `m` in place (zero mean, unit deviation over all its values): gain does not matter. */
export function standardize(m: Matrix): void {
  const d = m.data;
  let s = 0;
  for (let i = 0; i < d.length; i++) s += d[i];
  const mean = s / d.length;
  let v = 0;
  for (let i = 0; i < d.length; i++) v += (d[i] - mean) ** 2;
  const scale = 1 / (Math.sqrt(v / d.length) + 1e-3);
  for (let i = 0; i < d.length; i++) d[i] = (d[i] - mean) * scale;
}

function minimum(a: Float32Array): number {
  let m = Infinity;
  for (const v of a) if (v < m) m = v;
  return m;
}

/** Copies rows [from, from + frames) of `m` into a patch at row `at`; the rest of the patch is `fill`. */
function place(m: Matrix, from: number, at: number, frames: number, fill: number): Float32Array {
  const B = m.dim;
  const patch = new Float32Array(frames * B).fill(fill);
  const count = Math.min(frames - at, m.rows - from);
  if (count > 0) patch.set(m.data.subarray(from * B, (from + count) * B), at * B);
  return patch;
}

/**
 * The inference patches of a standardised clip log-mel: one patch with the clip centred when it is
 * not longer than a patch, else patches every `hop` frames plus one ending at the last frame.
 * Padding is the clip's quietest value. Returns `count × frames × bands`.
 */
export function inferencePatches(m: Matrix, fe: CnnFrontEnd): { count: number; data: Float32Array } {
  const { frames, hop } = fe;
  const fill = minimum(m.data);
  if (m.rows <= frames) return { count: 1, data: place(m, 0, Math.floor((frames - m.rows) / 2), frames, fill) };
  const starts: number[] = [];
  for (let s = 0; s + frames <= m.rows; s += hop) starts.push(s);
  if (starts[starts.length - 1] + frames < m.rows) starts.push(m.rows - frames);
  const data = new Float32Array(starts.length * frames * m.dim);
  starts.forEach((s, i) => data.set(place(m, s, 0, frames, fill), i * frames * m.dim));
  return { count: starts.length, data };
}

/** Linear interpolation of row-major `rows × dim` at fractional row `r` (clamped). */
function rowAt(m: Matrix, r: number, out: Float32Array, at: number): void {
  const x = Math.min(m.rows - 1, Math.max(0, r));
  const i = Math.floor(x);
  const j = Math.min(m.rows - 1, i + 1);
  const f = x - i;
  for (let b = 0; b < m.dim; b++) out[at + b] = (1 - f) * m.data[i * m.dim + b] + f * m.data[j * m.dim + b];
}

/**
 * One randomly augmented training patch of a raw (not standardised) clip log-mel, with feature-level
 * versions of the degradations speech meets (and the sox ones of the quality bench): additive
 * noise (log(e^x + σ)), tempo change (time axis resampled by 0.85–1.2), pitch shift (mel axis
 * shifted by up to ±2.5 bands ≈ ±250 cents around 1 kHz), band limiting (low and high bands set to
 * silence, like a 300–3400 Hz telephone band), a random position in the patch, and SpecAugment's
 * time and frequency masks (Park et al. 2019).
 */
export function augmentedPatch(raw: Matrix, fe: CnnFrontEnd, rng: Random): Float32Array {
  const B = raw.dim;
  let m: Matrix = { rows: raw.rows, dim: B, data: raw.data.slice() };
  if (rng.uniform() < 0.25) {
    const sigma = 10 ** (-1.7 + 1.4 * rng.uniform());
    for (let i = 0; i < m.data.length; i++) m.data[i] = Math.log(Math.exp(m.data[i]) + sigma);
  }
  if (rng.uniform() < 0.5) {
    const rate = 0.85 + 0.35 * rng.uniform();
    const rows = Math.max(1, Math.round(m.rows / rate));
    const data = new Float32Array(rows * B);
    for (let t = 0; t < rows; t++) rowAt(m, rows === 1 ? 0 : (t * (m.rows - 1)) / (rows - 1), data, t * B);
    m = { rows, dim: B, data };
  }
  if (rng.uniform() < 0.5) {
    const shift = (rng.uniform() * 2 - 1) * 2.5;
    const data = new Float32Array(m.data.length);
    for (let t = 0; t < m.rows; t++)
      for (let b = 0; b < B; b++) {
        const x = Math.min(B - 1, Math.max(0, b - shift));
        const i = Math.floor(x);
        const j = Math.min(B - 1, i + 1);
        const f = x - i;
        data[t * B + b] = (1 - f) * m.data[t * B + i] + f * m.data[t * B + j];
      }
    m = { rows: m.rows, dim: B, data };
  }
  if (rng.uniform() < 0.15) {
    const lo = 2 + rng.int(7);
    const hi = B - 4 - rng.int(17);
    for (let t = 0; t < m.rows; t++)
      for (let b = 0; b < B; b++) if (b < lo || b >= hi) m.data[t * B + b] = Math.min(m.data[t * B + b], SILENCE);
  }
  standardize(m);
  const fill = minimum(m.data);
  const { frames } = fe;
  const patch =
    m.rows <= frames ? place(m, 0, rng.int(frames - m.rows + 1), frames, fill) : place(m, rng.int(m.rows - frames + 1), 0, frames, fill);
  if (rng.uniform() < 0.5) {
    const w = 1 + rng.int(8);
    const b0 = rng.int(B - w + 1);
    for (let t = 0; t < frames; t++) patch.fill(0, t * B + b0, t * B + b0 + w);
  }
  if (rng.uniform() < 0.5) {
    const w = 1 + rng.int(12);
    const t0 = rng.int(frames - w + 1);
    patch.fill(0, t0 * B, (t0 + w) * B);
  }
  return patch;
}
