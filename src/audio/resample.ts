import { UsageError } from '../errors.js';

/** Largest up/down factor of the rational ratio: past it the ratio is approximated (see {@link Resampler}). */
const MAX_FACTOR = 1000;

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Best rational approximation p/q of x with p, q ≤ max (continued fractions). */
function approximateRatio(x: number, max: number): [number, number] {
  let [p0, q0, p1, q1] = [0, 1, 1, 0];
  let v = x;
  for (let i = 0; i < 64; i++) {
    const a = Math.floor(v);
    const p2 = a * p1 + p0;
    const q2 = a * q1 + q0;
    if (p2 > max || q2 > max) break;
    [p0, q0, p1, q1] = [p1, q1, p2, q2];
    if (v - a < 1e-12) break;
    v = 1 / (v - a);
  }
  return [Math.max(1, p1), Math.max(1, q1)];
}

/** I0, the modified Bessel function of the first kind (power series; converges fast for the β used). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 200; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

/**
 * scipy.signal.resample_poly's filter: firwin(2·half + 1, 1/max(up, down), window=('kaiser', 5.0)),
 * scaled to unit DC gain, times `up`. Indexed by j + half, j ∈ [−half, half].
 */
function polyphaseFilter(up: number, down: number): { h: Float64Array; half: number } {
  const maxRate = Math.max(up, down);
  const cutoff = 1 / maxRate;
  const half = 10 * maxRate;
  const n = 2 * half + 1;
  const h = new Float64Array(n);
  const beta = 5;
  const i0beta = besselI0(beta);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const m = i - half;
    const x = cutoff * m;
    const sinc = m === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
    const r = (2 * i) / (n - 1) - 1;
    const w = besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / i0beta;
    h[i] = cutoff * sinc * w;
    sum += h[i];
  }
  for (let i = 0; i < n; i++) h[i] *= up / sum;
  return { h, half };
}

/**
 * Streaming polyphase resampler with scipy.signal.resample_poly's filter and alignment (Kaiser
 * β = 5 windowed sinc, 20·max(up, down) + 1 taps, zero padding at both ends): `push` chunks of
 * any size, `end()` flushes; the concatenated output equals `resample_poly(x, up, down)` of the
 * whole signal (⌈n·up/down⌉ samples). Memory: the filter plus ~taps/up input samples.
 * Ratios whose reduced up or down factor exceeds 1000 (e.g. 44 101 → 16 000 Hz) are replaced by the
 * nearest ratio within that bound (error ≤ ~1e-6 relative in rate), keeping the filter small.
 */
export class Resampler {
  readonly fromRate: number;
  readonly toRate: number;
  readonly up: number;
  readonly down: number;
  private readonly h: Float64Array;
  private readonly half: number;
  /** Input samples from index `base` on. */
  private buffer = new Float64Array(0);
  private length = 0;
  private base = 0;
  /** Input samples seen. */
  private seen = 0;
  /** Next output index. */
  private m = 0;

  constructor(fromRate: number, toRate: number) {
    for (const [name, rate] of [
      ['source', fromRate],
      ['target', toRate],
    ] as const) {
      if (!Number.isSafeInteger(rate) || rate < 1 || rate > 10_000_000)
        throw new UsageError(`${name} sample rate must be an integer in 1 .. 10^7 Hz, got ${String(rate)}`);
    }
    this.fromRate = fromRate;
    this.toRate = toRate;
    const g = gcd(toRate, fromRate);
    let up = toRate / g;
    let down = fromRate / g;
    if (up > MAX_FACTOR || down > MAX_FACTOR) [up, down] = approximateRatio(toRate / fromRate, MAX_FACTOR);
    this.up = up;
    this.down = down;
    const filter = up === 1 && down === 1 ? { h: new Float64Array([1]), half: 0 } : polyphaseFilter(up, down);
    this.h = filter.h;
    this.half = filter.half;
  }

  /** True when the rates are equal (samples pass through unchanged). */
  get identity(): boolean {
    return this.up === 1 && this.down === 1;
  }

  push(samples: ArrayLike<number>): Float32Array {
    if (this.identity) return Float32Array.from(samples);
    this.append(samples);
    this.seen += samples.length;
    return this.produce(false);
  }

  end(): Float32Array {
    if (this.identity) return new Float32Array(0);
    return this.produce(true);
  }

  private append(samples: ArrayLike<number>): void {
    // Drop input no future output reads: output m reads k ≥ (m·down − half)/up.
    const firstNeeded = Math.max(0, Math.ceil((this.m * this.down - this.half) / this.up));
    const drop = Math.min(this.length, firstNeeded - this.base);
    if (drop > 0) {
      this.buffer.copyWithin(0, drop, this.length);
      this.length -= drop;
      this.base += drop;
    }
    if (this.length + samples.length > this.buffer.length) {
      const grown = new Float64Array(Math.max(2 * this.buffer.length, this.length + samples.length, 4096));
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
    }
    this.buffer.set(samples as ArrayLike<number>, this.length);
    this.length += samples.length;
  }

  private produce(final: boolean): Float32Array {
    const { up, down, h, half, buffer, base } = this;
    const total = final ? Math.ceil((this.seen * up) / down) : Infinity;
    const out: number[] = [];
    for (;;) {
      const m = this.m;
      if (m >= total) break;
      const centre = m * down;
      const kLo = Math.max(0, Math.ceil((centre - half) / up));
      const kHi = Math.floor((centre + half) / up);
      // Without the end, wait until every input sample this output reads has arrived.
      if (!final && kHi >= this.seen) break;
      const last = Math.min(kHi, this.seen - 1);
      let sum = 0;
      for (let k = kLo; k <= last; k++) sum += h[centre - up * k + half] * buffer[k - base];
      out.push(sum);
      this.m++;
    }
    return Float32Array.from(out);
  }
}

/** Resamples a whole signal (see {@link Resampler}). */
export function resample(samples: ArrayLike<number>, fromRate: number, toRate: number): Float32Array {
  const r = new Resampler(fromRate, toRate);
  const a = r.push(samples);
  const b = r.end();
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
