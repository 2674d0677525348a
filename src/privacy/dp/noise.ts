import { createCipheriv, createHash, randomBytes, type Cipher } from 'node:crypto';
import { UsageError } from '../../errors.js';

const BLOCK = 1 << 16;
const TWO_POW_53 = 2 ** 53;

/**
 * Gaussian noise from a cryptographic stream: AES-256 in counter mode over zeros. Without a seed
 * the key comes from the operating system's CSPRNG (the default for releases: noise nobody can
 * replay); with a seed (or key) it is SHA-256 of it, which makes runs repeatable — for tests and
 * benchmarks only, as anyone who knows the seed can subtract the noise. Normal draws by Box–Muller
 * on 53-bit uniforms. (Floating-point noise still has the rounding weaknesses shown by Mironov
 * 2012; see docs/privacy.md.)
 */
export class GaussianNoise {
  private readonly cipher: Cipher;
  private readonly zeros = Buffer.alloc(BLOCK);
  private bytes = Buffer.alloc(0);
  private at = 0;
  private spare: number | undefined;

  constructor(seed?: number | string | Uint8Array) {
    if (typeof seed === 'number' && !Number.isSafeInteger(seed)) throw new UsageError(`the noise seed must be an integer, got ${seed}`);
    const key =
      seed === undefined
        ? randomBytes(32)
        : createHash('sha256')
            .update('embedkit dp noise v1\u0000')
            .update(typeof seed === 'number' ? String(seed) : seed)
            .digest();
    this.cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  }

  /** Uniform in (0, 1]. */
  uniform(): number {
    if (this.at + 8 > this.bytes.length) {
      this.bytes = this.cipher.update(this.zeros);
      this.at = 0;
    }
    const hi = this.bytes.readUInt32LE(this.at) >>> 5;
    const lo = this.bytes.readUInt32LE(this.at + 4) >>> 6;
    this.at += 8;
    return (hi * 67108864 + lo + 1) / TWO_POW_53;
  }

  /** A standard normal draw. */
  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(this.uniform()));
    const t = 2 * Math.PI * this.uniform();
    this.spare = r * Math.sin(t);
    return r * Math.cos(t);
  }

  /** Adds N(0, σ²) to every value of `out`. */
  addTo(out: Float64Array | Float32Array, sigma: number): void {
    for (let i = 0; i < out.length; i++) out[i] += sigma * this.normal();
  }
}
