import { UsageError } from '../errors.js';

/**
 * Real-input FFT of a fixed length `n` (any n ≥ 2): `forward(x)` gives the n/2 + 1 non-negative
 * frequency bins, numpy's `rfft` convention (no scaling). Even power-of-two lengths use one complex
 * radix-2 FFT of n/2 points (the standard "two real halves" packing); other lengths go through
 * Bluestein's chirp-z transform on a power-of-two FFT, so n_fft = 400 or 1000 work too.
 * Float64 throughout: the spectra match numpy to ~1e-12 relative.
 */
export class RealFft {
  readonly n: number;
  readonly bins: number;
  private readonly half: ComplexFft | undefined;
  private readonly pack: Float64Array | undefined; // cos/sin of 2πk/n for the unpacking step
  private readonly bluestein: Bluestein | undefined;
  private readonly zr: Float64Array;
  private readonly zi: Float64Array;

  constructor(n: number) {
    if (!Number.isSafeInteger(n) || n < 2 || n > 1 << 24)
      throw new UsageError(`FFT length must be an integer in 2 .. 2^24, got ${String(n)}`);
    this.n = n;
    this.bins = (n >> 1) + 1;
    if ((n & (n - 1)) === 0) {
      const m = n >> 1;
      this.half = new ComplexFft(m);
      this.pack = new Float64Array(2 * (m + 1));
      for (let k = 0; k <= m; k++) {
        this.pack[2 * k] = Math.cos((2 * Math.PI * k) / n);
        this.pack[2 * k + 1] = Math.sin((2 * Math.PI * k) / n);
      }
      this.zr = new Float64Array(m);
      this.zi = new Float64Array(m);
    } else {
      this.bluestein = new Bluestein(n);
      this.zr = new Float64Array(n);
      this.zi = new Float64Array(n);
    }
  }

  /**
   * Spectrum of `x` (length n; read from `offset`) into `re`/`im` (length ≥ bins).
   */
  forward(x: ArrayLike<number>, re: Float64Array, im: Float64Array, offset = 0): void {
    const { zr, zi } = this;
    if (this.half) {
      const m = this.n >> 1;
      for (let k = 0; k < m; k++) {
        zr[k] = x[offset + 2 * k];
        zi[k] = x[offset + 2 * k + 1];
      }
      this.half.transform(zr, zi);
      const w = this.pack as Float64Array;
      // X[k] = E[k] + e^{-2πik/n} O[k], E/O the spectra of the even/odd samples, recovered from Z.
      re[0] = zr[0] + zi[0];
      im[0] = 0;
      re[m] = zr[0] - zi[0];
      im[m] = 0;
      for (let k = 1; k < m; k++) {
        const ar = zr[k];
        const ai = zi[k];
        const br = zr[m - k];
        const bi = -zi[m - k];
        const er = 0.5 * (ar + br);
        const ei = 0.5 * (ai + bi);
        const or = 0.5 * (ai - bi);
        const oi = -0.5 * (ar - br);
        const c = w[2 * k];
        const s = w[2 * k + 1];
        re[k] = er + c * or + s * oi;
        im[k] = ei + c * oi - s * or;
      }
    } else {
      for (let k = 0; k < this.n; k++) {
        zr[k] = x[offset + k];
        zi[k] = 0;
      }
      (this.bluestein as Bluestein).transform(zr, zi);
      for (let k = 0; k < this.bins; k++) {
        re[k] = zr[k];
        im[k] = zi[k];
      }
    }
  }
}

/** In-place iterative radix-2 complex FFT (forward, e^{-2πi kn/N}) of a power-of-two length. */
export class ComplexFft {
  readonly n: number;
  private readonly rev: Uint32Array;
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;

  constructor(n: number) {
    if (!Number.isSafeInteger(n) || n < 1 || (n & (n - 1)) !== 0)
      throw new UsageError(`complex FFT length must be a power of two, got ${n}`);
    this.n = n;
    this.rev = new Uint32Array(n);
    let bits = 0;
    while (1 << bits < n) bits++;
    for (let i = 0; i < n; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
      this.rev[i] = r;
    }
    const h = Math.max(1, n >> 1);
    this.cos = new Float64Array(h);
    this.sin = new Float64Array(h);
    for (let k = 0; k < h; k++) {
      this.cos[k] = Math.cos((2 * Math.PI * k) / n);
      this.sin[k] = -Math.sin((2 * Math.PI * k) / n);
    }
  }

  transform(re: Float64Array, im: Float64Array): void {
    const { n, rev, cos, sin } = this;
    for (let i = 0; i < n; i++) {
      const j = rev[i];
      if (j > i) {
        let t = re[i];
        re[i] = re[j];
        re[j] = t;
        t = im[i];
        im[i] = im[j];
        im[j] = t;
      }
    }
    // First stage (size 2) without twiddles.
    for (let i = 0; i + 1 < n; i += 2) {
      const tr = re[i + 1];
      const ti = im[i + 1];
      re[i + 1] = re[i] - tr;
      im[i + 1] = im[i] - ti;
      re[i] += tr;
      im[i] += ti;
    }
    for (let size = 4; size <= n; size <<= 1) {
      const halfSize = size >> 1;
      const step = n / size;
      for (let start = 0; start < n; start += size) {
        for (let k = 0, t = 0; k < halfSize; k++, t += step) {
          const a = start + k;
          const b = a + halfSize;
          const wr = cos[t];
          const wi = sin[t];
          const xr = re[b] * wr - im[b] * wi;
          const xi = re[b] * wi + im[b] * wr;
          re[b] = re[a] - xr;
          im[b] = im[a] - xi;
          re[a] += xr;
          im[a] += xi;
        }
      }
    }
  }
}

/** Bluestein's algorithm: a length-n DFT as a convolution with a chirp, done by power-of-two FFTs. */
class Bluestein {
  private readonly n: number;
  private readonly fft: ComplexFft;
  private readonly wr: Float64Array; // chirp e^{-πi k²/n}
  private readonly wi: Float64Array;
  private readonly br: Float64Array; // FFT of the conjugate chirp, wrapped
  private readonly bi: Float64Array;
  private readonly ar: Float64Array;
  private readonly ai: Float64Array;

  constructor(n: number) {
    this.n = n;
    let m = 1;
    while (m < 2 * n - 1) m <<= 1;
    this.fft = new ComplexFft(m);
    this.wr = new Float64Array(n);
    this.wi = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      // k² mod 2n keeps the angle small (exact for large k).
      const angle = (Math.PI * ((k * k) % (2 * n))) / n;
      this.wr[k] = Math.cos(angle);
      this.wi[k] = -Math.sin(angle);
    }
    this.br = new Float64Array(m);
    this.bi = new Float64Array(m);
    this.br[0] = this.wr[0];
    this.bi[0] = -this.wi[0];
    for (let k = 1; k < n; k++) {
      this.br[k] = this.br[m - k] = this.wr[k];
      this.bi[k] = this.bi[m - k] = -this.wi[k];
    }
    this.fft.transform(this.br, this.bi);
    this.ar = new Float64Array(m);
    this.ai = new Float64Array(m);
  }

  transform(re: Float64Array, im: Float64Array): void {
    const { n, wr, wi, br, bi, ar, ai } = this;
    const m = ar.length;
    ar.fill(0);
    ai.fill(0);
    for (let k = 0; k < n; k++) {
      ar[k] = re[k] * wr[k] - im[k] * wi[k];
      ai[k] = re[k] * wi[k] + im[k] * wr[k];
    }
    this.fft.transform(ar, ai);
    for (let k = 0; k < m; k++) {
      const r = ar[k] * br[k] - ai[k] * bi[k];
      const i = ar[k] * bi[k] + ai[k] * br[k];
      // Inverse FFT via conjugation: ifft(z) = conj(fft(conj(z))) / m.
      ar[k] = r;
      ai[k] = -i;
    }
    this.fft.transform(ar, ai);
    for (let k = 0; k < n; k++) {
      const r = ar[k] / m;
      const i = -ai[k] / m;
      re[k] = r * wr[k] - i * wi[k];
      im[k] = r * wi[k] + i * wr[k];
    }
  }
}
