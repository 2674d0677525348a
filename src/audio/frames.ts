import { UsageError } from '../errors.js';
import { RealFft } from './fft.js';
import { kernelSpectra, kernelSupports } from './kernel-spectrum.js';

/** How the signal is extended at both ends when frames are centred (numpy.pad modes). */
export type PadMode = 'constant' | 'reflect' | 'edge';

export const PAD_MODES: readonly PadMode[] = ['constant', 'reflect', 'edge'];

/** The framing of a {@link SpectrumFrames}: every length in samples. */
export interface FramingSpec {
  /** FFT length; each frame is zero-padded at its end to this length. */
  nFft: number;
  /** Samples per frame (≤ nFft). */
  frameLength: number;
  hop: number;
  /** Window of `frameLength` samples multiplied onto each frame. */
  window: Float64Array;
  /** Pad frameLength/2 samples at both ends, so frame t is centred on sample t·hop (librosa's center=True). */
  center: boolean;
  padMode: PadMode;
  /** Exponent of the magnitude: 1 magnitude, 2 power. */
  power: number;
  /**
   * Float64 FFT in TypeScript instead of the float32 WASM SIMD kernel (which is used for
   * power-of-two FFT lengths with power 1 or 2). Default false.
   */
  exact?: boolean;
}

/**
 * Turns one spectrum (magnitude^power, `bins` values) into `dim` output values (a mel band energy,
 * a log, a DCT …). Called once per frame, in order.
 */
export type FrameTransform = (spectrum: Float64Array | Float32Array, out: Float32Array) => void;

/**
 * A streaming short-time Fourier transform: `push` samples in chunks of any size, get the finished
 * frames (already passed through `transform`) back as a row-major `frames × dim` array. Memory is
 * bounded by one frame plus the chunk, whatever the length of the signal, and the frames equal
 * those of the whole signal framed at once (centre padding included: the left pad is built from
 * the first samples, the right pad at `end()`).
 */
export class SpectrumFrames {
  readonly spec: FramingSpec;
  readonly dim: number;
  private readonly transform: FrameTransform;
  private readonly fft: RealFft;
  private readonly frame: Float64Array;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  private readonly spectrum: Float64Array;
  /** Samples not yet consumed (padded signal), from `bufferStart`. */
  private buffer = new Float64Array(0);
  private length = 0;
  /** Next frame's start, an index into `buffer`. */
  private position = 0;
  private started = false;
  private ended = false;
  /** Raw samples seen before the left pad could be built (reflect needs frameLength/2 + 1 of them). */
  private totalRaw = 0;
  /** The last raw sample (edge padding at the end). */
  private lastRaw = 0;

  constructor(spec: FramingSpec, dim: number, transform: FrameTransform) {
    const { nFft, frameLength, hop, window, power } = spec;
    if (!Number.isSafeInteger(frameLength) || frameLength < 2 || frameLength > nFft)
      throw new UsageError(`frame length must be an integer in 2 .. nFft (${nFft}), got ${String(frameLength)}`);
    if (!Number.isSafeInteger(hop) || hop < 1) throw new UsageError(`hop length must be a positive integer, got ${String(hop)}`);
    if (window.length !== frameLength) throw new UsageError(`window has ${window.length} samples for frames of ${frameLength}`);
    if (!(power > 0 && Number.isFinite(power))) throw new UsageError(`power must be positive, got ${String(power)}`);
    if (!PAD_MODES.includes(spec.padMode))
      throw new UsageError(`unknown pad mode '${String(spec.padMode)}' (known: ${PAD_MODES.join(', ')})`);
    this.spec = spec;
    this.dim = dim;
    this.transform = transform;
    this.fft = new RealFft(nFft);
    this.frame = new Float64Array(nFft);
    this.re = new Float64Array(this.fft.bins);
    this.im = new Float64Array(this.fft.bins);
    this.spectrum = new Float64Array(this.fft.bins);
  }

  /** Number of frequency bins of each spectrum: nFft/2 + 1. */
  get bins(): number {
    return this.fft.bins;
  }

  /** Adds samples; returns the frames they complete (possibly none). */
  push(samples: ArrayLike<number>): Float32Array {
    if (this.ended) throw new UsageError('SpectrumFrames: push after end()');
    if (samples.length <= SLICE) return this.pushSlice(samples);
    // Long inputs go through in slices so that the internal buffer stays small.
    const parts: Float32Array[] = [];
    const view = ArrayBuffer.isView(samples) ? (samples as unknown as Float32Array) : Float64Array.from(samples);
    for (let i = 0; i < samples.length; i += SLICE) parts.push(this.pushSlice(view.subarray(i, i + SLICE)));
    return concat(parts);
  }

  private pushSlice(samples: ArrayLike<number>): Float32Array {
    if (samples.length === 0) return new Float32Array(0);
    this.totalRaw += samples.length;
    this.lastRaw = samples[samples.length - 1];
    this.append(samples);
    if (!this.started) {
      const pad = this.spec.center ? this.spec.frameLength >> 1 : 0;
      // Reflect padding reads samples 1..pad; wait until they are all here.
      if (this.length <= pad) return new Float32Array(0);
      this.startPadding();
    }
    return this.drain();
  }

  /** Ends the signal (right padding when centred); returns the last frames. */
  end(): Float32Array {
    if (this.ended) return new Float32Array(0);
    this.ended = true;
    if (this.totalRaw === 0) return new Float32Array(0);
    if (!this.started) this.startPadding();
    if (this.spec.center) {
      const pad = this.spec.frameLength >> 1;
      const raw = this.buffer.subarray(0, this.length);
      const tail = new Float64Array(pad);
      const mode = this.spec.padMode;
      if (mode === 'edge') tail.fill(this.lastRaw);
      else if (mode === 'reflect') {
        // The kept buffer holds at least the last pad + 1 raw samples (see drain), or the whole signal.
        const rawCount = Math.min(this.totalRaw, this.length);
        const base = this.length - rawCount;
        for (let i = 0; i < pad; i++) tail[i] = raw[base + reflectIndex(rawCount + i, rawCount)];
      }
      this.append(tail);
    }
    return this.drain();
  }

  private startPadding(): void {
    this.started = true;
    if (!this.spec.center) return;
    const pad = this.spec.frameLength >> 1;
    const raw = this.buffer.slice(0, this.length);
    const head = new Float64Array(pad);
    const mode = this.spec.padMode;
    if (mode === 'edge') head.fill(raw[0]);
    else if (mode === 'reflect') for (let i = 0; i < pad; i++) head[i] = raw[reflectIndex(pad - i, raw.length)];
    this.length = 0;
    this.append(head);
    this.append(raw);
  }

  private append(samples: ArrayLike<number>): void {
    const needed = this.length + samples.length;
    if (needed > this.buffer.length) {
      // Drop what no frame needs any more, then grow if still short.
      const keepFrom = Math.max(0, Math.min(this.position, this.length - this.spec.frameLength));
      if (keepFrom > 0) {
        this.buffer.copyWithin(0, keepFrom, this.length);
        this.length -= keepFrom;
        this.position -= keepFrom;
      }
      if (this.length + samples.length > this.buffer.length) {
        const grown = new Float64Array(Math.max(2 * this.buffer.length, this.length + samples.length, 4096));
        grown.set(this.buffer.subarray(0, this.length));
        this.buffer = grown;
      }
    }
    this.buffer.set(samples as ArrayLike<number>, this.length);
    this.length += samples.length;
  }

  private drain(): Float32Array {
    const { frameLength, hop, window, power } = this.spec;
    const count = this.length - this.position >= frameLength ? 1 + Math.floor((this.length - this.position - frameLength) / hop) : 0;
    const out = new Float32Array(count * this.dim);
    if (count > 0 && (power === 1 || power === 2) && kernelSupports(this.spec.nFft) && !this.spec.exact) {
      kernelSpectra(this.buffer, this.position, count, hop, this.spec.nFft, window, power, (f, spectrum) =>
        this.transform(spectrum, out.subarray(f * this.dim, (f + 1) * this.dim)),
      );
      this.position += count * hop;
      return out;
    }
    const { frame, re, im, spectrum, buffer } = this;
    const bins = this.fft.bins;
    for (let f = 0; f < count; f++) {
      const start = this.position;
      for (let i = 0; i < frameLength; i++) frame[i] = buffer[start + i] * window[i];
      this.fft.forward(frame, re, im);
      if (power === 2) for (let k = 0; k < bins; k++) spectrum[k] = re[k] * re[k] + im[k] * im[k];
      else if (power === 1) for (let k = 0; k < bins; k++) spectrum[k] = Math.sqrt(re[k] * re[k] + im[k] * im[k]);
      else for (let k = 0; k < bins; k++) spectrum[k] = Math.pow(re[k] * re[k] + im[k] * im[k], power / 2);
      this.transform(spectrum, out.subarray(f * this.dim, (f + 1) * this.dim));
      this.position += hop;
    }
    return out;
  }
}

/** Samples handed to the framing at a time (bounds the internal buffer). */
const SLICE = 1 << 16;

function concat(parts: Float32Array[]): Float32Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Float32Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** numpy's 'reflect' index (no edge repeat) of i into [0, n), for any i. */
function reflectIndex(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  let j = ((i % period) + period) % period;
  if (j >= n) j = period - j;
  return j;
}

/** Frames of a whole signal: pushes it through a {@link SpectrumFrames} in one go. */
export function frameAll(stream: SpectrumFrames, samples: ArrayLike<number>): Float32Array {
  const a = stream.push(samples);
  const b = stream.end();
  if (b.length === 0) return a;
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
