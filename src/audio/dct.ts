/**
 * Orthonormal DCT-II (scipy.fft.dct(type=2, norm='ortho')) keeping the first `nOut` coefficients:
 * y[k] = s_k Σ_n x[n] cos(π k (2n + 1) / 2N), s_0 = √(1/N), s_k = √(2/N). A precomputed `nOut × N`
 * matrix: N is a number of mel bands (≤ a few hundred), so the direct product is the fast way.
 */
export class Dct2 {
  readonly n: number;
  readonly nOut: number;
  private readonly matrix: Float64Array;

  constructor(n: number, nOut: number) {
    this.n = n;
    this.nOut = nOut;
    this.matrix = new Float64Array(nOut * n);
    for (let k = 0; k < nOut; k++) {
      const s = k === 0 ? Math.sqrt(1 / n) : Math.sqrt(2 / n);
      for (let i = 0; i < n; i++) this.matrix[k * n + i] = s * Math.cos((Math.PI * k * (2 * i + 1)) / (2 * n));
    }
  }

  apply(x: ArrayLike<number>, out: Float32Array | Float64Array): void {
    const { n, nOut, matrix } = this;
    for (let k = 0; k < nOut; k++) {
      let sum = 0;
      const o = k * n;
      for (let i = 0; i < n; i++) sum += matrix[o + i] * x[i];
      out[k] = sum;
    }
  }
}
