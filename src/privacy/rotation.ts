import { UsageError } from '../errors.js';
import { matMulT } from '../math/dense.js';
import { GaussianNoise } from './dp/noise.js';
import { deriveKey } from './key-file.js';

/** Largest dimension a keyed rotation is built for (a d × d matrix; 4096² floats = 64 MiB). */
export const MAX_ROTATION_DIM = 4096;

/**
 * A secret random orthogonal matrix Q derived from a key, for vectors stored on a host that should
 * not see them as they are: Q keeps every inner product, distance and cosine (‖Qx − Qy‖ = ‖x − y‖),
 * so an index built on rotated vectors answers rotated queries exactly as the original would.
 *
 * Q is Haar-distributed given the key: HKDF-SHA256 of the key (purpose "embedkit rotation v1" and
 * the dimension) seeds an AES-CTR Gaussian stream; Stewart's (1980) construction turns d − 1
 * Gaussian vectors of decreasing length into Householder reflections whose product, with the
 * sign correction of Mezzadri (2007), is the Q factor of a Gaussian matrix's QR. O(d²) draws and
 * (4/3)d³ flops to form Q.
 *
 * It is obfuscation, not encryption: anyone holding d (vector, rotated vector) pairs recovers Q
 * by orthogonal Procrustes (see docs/privacy.md and the test that does it).
 */
export class KeyedRotation {
  private constructor(
    readonly dim: number,
    /** Row-major d × d: row r holds the r-th output coordinate's weights, so y = Q x. */
    readonly matrix: Float32Array,
    private transposed: Float32Array | undefined = undefined,
  ) {}

  /** The rotation of dimension `dim` that `secret` (the bytes of a key file) defines. */
  static fromKey(secret: Uint8Array, dim: number): KeyedRotation {
    if (!(Number.isInteger(dim) && dim >= 1 && dim <= MAX_ROTATION_DIM))
      throw new UsageError(`the rotation dimension must be an integer in 1 … ${MAX_ROTATION_DIM}, got ${dim}`);
    const noise = new GaussianNoise(deriveKey(secret, `embedkit rotation v1 dim ${dim}`));
    const d = dim;
    // reflectors v_k (unit, length d − k, stored at offset k·d + k of a d × d buffer) and signs
    const v = new Float64Array(d * d);
    const sign = new Float64Array(d);
    for (let k = 0; k < d - 1; k++) {
      const o = k * d + k;
      let n2 = 0;
      for (let i = 0; i < d - k; i++) {
        const g = noise.normal();
        v[o + i] = g;
        n2 += g * g;
      }
      // v = x − αe₁ with α = −sign(x₀)‖x‖ (no cancellation); R_kk = α
      const alpha = -(v[o] >= 0 ? 1 : -1) * Math.sqrt(n2);
      sign[k] = alpha >= 0 ? 1 : -1;
      v[o] -= alpha;
      let vn2 = 0;
      for (let i = 0; i < d - k; i++) vn2 += v[o + i] * v[o + i];
      const inv = 1 / Math.sqrt(vn2);
      for (let i = 0; i < d - k; i++) v[o + i] *= inv;
    }
    sign[d - 1] = noise.normal() >= 0 ? 1 : -1;
    // Q = H_0 H_1 … H_{d−2} · diag(sign): accumulate from the right, each H_k touching rows and
    // columns k … d−1 only
    const q = new Float64Array(d * d);
    for (let i = 0; i < d; i++) q[i * d + i] = sign[i];
    const w = new Float64Array(d);
    for (let k = d - 2; k >= 0; k--) {
      const o = k * d + k;
      w.fill(0, k);
      for (let i = k; i < d; i++) {
        const vi = v[o + i - k];
        const row = i * d;
        for (let j = k; j < d; j++) w[j] += vi * q[row + j];
      }
      for (let i = k; i < d; i++) {
        const f = 2 * v[o + i - k];
        const row = i * d;
        for (let j = k; j < d; j++) q[row + j] -= f * w[j];
      }
    }
    return new KeyedRotation(d, Float32Array.from(q));
  }

  /** Q x for each row of `data` (rows × dim). */
  apply(data: Float32Array, rows: number): Float32Array {
    return this.multiply(data, rows, this.matrix);
  }

  /** Qᵀ x for each row: undoes {@link apply}. */
  inverse(data: Float32Array, rows: number): Float32Array {
    if (!this.transposed) {
      const d = this.dim;
      const t = new Float32Array(d * d);
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) t[j * d + i] = this.matrix[i * d + j];
      this.transposed = t;
    }
    return this.multiply(data, rows, this.transposed);
  }

  private multiply(data: Float32Array, rows: number, m: Float32Array): Float32Array {
    const d = this.dim;
    if (data.length !== rows * d) throw new UsageError(`the rotation is ${d}-dimensional: got ${data.length} values for ${rows} rows`);
    const out = new Float32Array(rows * d);
    const chunk = Math.max(1, Math.floor((1 << 16) / d));
    for (let r = 0; r < rows; r += chunk) {
      const n = Math.min(chunk, rows - r);
      matMulT(data.subarray(r * d, (r + n) * d), n, m, 0, d, d, out.subarray(r * d, (r + n) * d));
    }
    return out;
  }
}
