import { throwIfAborted, UsageError } from '../errors.js';
import { symmetricEigen } from '../math/eigen.js';
import { yieldToEventLoop } from '../kernels/yield.js';
import { checkVectors, intOption, seedOption, threadsOption } from './input.js';
import { ProjectMemory, projectThreads, ranges } from './kernel.js';
import { gaussian, orthonormalizeColumns } from './linalg.js';
import type { RunOptions } from './types.js';

/** Hyper-parameters of {@link PCA}. */
export interface PCAOptions {
  /** Output dimensions (principal components kept). Default 2. */
  dims?: number;
  /**
   * Power (subspace) iterations of the randomized SVD. Default 7 when dims + oversamples is below a
   * tenth of min(n, dim), else 4 (scikit-learn's 'auto').
   */
  iterations?: number;
  /** Extra directions of the random subspace beyond `dims` (Halko et al.'s p). Default 10. */
  oversamples?: number;
  /** Seed of the random start. Default 0. */
  seed?: number;
  /** Worker threads. Default: the available cores. */
  threads?: number;
}

const WHAT = 'PCA';
/** Rows copied into the kernel memory between two yields to the event loop. */
const COPY_CHUNK = 1 << 16;

interface PcaLayout {
  dp: number;
  lp: number;
  X: number;
  mean: number;
  V: number;
  Y: number;
  sums: number[];
  Z: number[];
  block: number[];
}

/**
 * Principal component analysis by randomized subspace iteration (Halko, Martinsson & Tropp 2011,
 * Algorithm 4.4, as scikit-learn's `svd_solver='randomized'`), centred. Each iteration is one
 * read of the rows in the WASM SIMD kernel (Y = X·V and XᵀX·V together), split across worker
 * threads; the small l × l problem (l = dims + oversamples) is solved exactly at the end
 * (Rayleigh–Ritz). Signs: each component's largest coordinate is positive.
 */
export class PCA {
  readonly dims: number;
  readonly iterations: number | undefined;
  readonly oversamples: number;
  readonly seed: number;
  readonly threads: number;
  /** The column means (dim), after fit. */
  mean: Float32Array | undefined;
  /** The principal axes, dims × dim row-major unit vectors, after fit. */
  components: Float32Array | undefined;
  /** Variance along each component (eigenvalues of the covariance, n − 1 in the denominator). */
  explainedVariance: Float64Array | undefined;
  /** Each component's share of the total variance. */
  explainedVarianceRatio: Float64Array | undefined;
  singularValues: Float64Array | undefined;

  constructor(options: PCAOptions = {}) {
    this.dims = intOption(WHAT, 'dims', options.dims, 2, 1, 4096);
    this.iterations = options.iterations === undefined ? undefined : intOption(WHAT, 'iterations', options.iterations, 7, 0, 100);
    this.oversamples = intOption(WHAT, 'oversamples', options.oversamples, 10, 0, 1000);
    this.seed = seedOption(WHAT, options.seed);
    this.threads = threadsOption(WHAT, options.threads);
  }

  /** Fits the components to `vectors` (n × dim, row-major). */
  async fit(vectors: Float32Array, n: number, dim: number, run: RunOptions = {}): Promise<this> {
    await this.fitTransform(vectors, n, dim, run);
    return this;
  }

  /** Fits and returns the rows' coordinates on the components (n × dims, row-major). */
  async fitTransform(vectors: Float32Array, n: number, dim: number, run: RunOptions = {}): Promise<Float32Array> {
    checkVectors(WHAT, vectors, n, dim, 2);
    const k = this.dims;
    if (k > Math.min(n, dim)) throw new UsageError(`${WHAT}: dims = ${k} exceeds min(n, dim) = ${Math.min(n, dim)}`);
    const l = Math.min(k + this.oversamples, n, dim);
    const iterations = this.iterations ?? (l < 0.1 * Math.min(n, dim) ? 7 : 4);
    const threads = Math.max(1, Math.min(this.threads, Math.ceil(n / 1024)));
    const dp = Math.ceil(dim / 4) * 4;
    const lp = Math.ceil(l / 4) * 4;
    const mem = new ProjectMemory<PcaLayout>(threads, (a) => ({
      dp,
      lp,
      X: a.alloc(n * dp * 4),
      mean: a.alloc(dp * 4),
      V: a.alloc(dp * lp * 4),
      Y: a.alloc(n * lp * 4),
      sums: Array.from({ length: threads }, () => a.alloc(dp * 8)),
      Z: Array.from({ length: threads }, () => a.alloc(dp * lp * 8)),
      block: Array.from({ length: threads }, () => a.alloc(dp * lp * 4)),
    }));
    const L = mem.layout;
    const { signal, onProgress } = run;
    throwIfAborted(signal, `${WHAT} aborted`);
    const pool = projectThreads(mem);
    try {
      // the rows, padded to dp floats
      const X = mem.f32(L.X, n * dp);
      for (let start = 0; start < n; start += COPY_CHUNK) {
        const end = Math.min(n, start + COPY_CHUNK);
        if (dp === dim) X.set(vectors.subarray(start * dim, end * dim), start * dp);
        else for (let i = start; i < end; i++) X.set(vectors.subarray(i * dim, (i + 1) * dim), i * dp);
        onProgress?.({ phase: 'prepare', progress: end / n });
        await yieldToEventLoop();
        throwIfAborted(signal, `${WHAT} aborted`);
      }
      const parts = ranges(n, threads);
      // centre: column means, then subtract (the total sum of squares comes back)
      await pool.all('pj_col_sums', (t) => [L.X, dp, parts[t][0], parts[t][1], L.sums[t]]);
      const mean = mem.f32(L.mean, dp);
      for (let c = 0; c < dim; c++) {
        let s = 0;
        for (let t = 0; t < threads; t++) s += mem.f64(L.sums[t], dp)[c];
        mean[c] = s / n;
      }
      const totals = await pool.all('pj_center', (t) => [L.X, dp, parts[t][0], parts[t][1], L.mean]);
      const totalSS = totals.reduce((a, b) => a + b, 0);
      throwIfAborted(signal, `${WHAT} aborted`);

      // random start, orthonormal; then V ← orth(XᵀX·V) per iteration, one pass each
      const normal = gaussian(this.seed);
      let v: Float64Array = new Float64Array(dim * l);
      for (let i = 0; i < v.length; i++) v[i] = normal();
      orthonormalizeColumns(v, dim, l, normal);
      const V = mem.f32(L.V, dp * lp);
      let z = new Float64Array(dim * l);
      for (let it = 0; it <= iterations; it++) {
        V.fill(0);
        for (let r = 0; r < dim; r++) for (let c = 0; c < l; c++) V[r * lp + c] = v[r * l + c];
        for (let t = 0; t < threads; t++) mem.f64(L.Z[t], dp * lp).fill(0);
        await pool.all('pj_power_step', (t) => [L.X, dp, parts[t][0], parts[t][1], L.V, lp, L.Y, L.Z[t], L.block[t]]);
        throwIfAborted(signal, `${WHAT} aborted`);
        z = new Float64Array(dim * l);
        for (let t = 0; t < threads; t++) {
          const zt = mem.f64(L.Z[t], dp * lp);
          for (let r = 0; r < dim; r++) for (let c = 0; c < l; c++) z[r * l + c] += zt[r * lp + c];
        }
        onProgress?.({ phase: 'pca', progress: (it + 1) / (iterations + 1) });
        if (it < iterations) {
          // V itself (float32 in the kernel) was used for this pass; the next starts from orth(Z)
          v = Float64Array.from(z);
          orthonormalizeColumns(v, dim, l, normal);
        }
      }
      // Rayleigh–Ritz: G = Vᵀ·XᵀX·V = Yᵀ·Y (l × l); its eigenvectors W rotate V onto the axes.
      // V as the kernel saw it (rounded to float) keeps G consistent with Y.
      const vf = new Float64Array(dim * l);
      for (let r = 0; r < dim; r++) for (let c = 0; c < l; c++) vf[r * l + c] = V[r * lp + c];
      const g = new Float64Array(l * l);
      for (let a = 0; a < l; a++) {
        for (let b = a; b < l; b++) {
          let s = 0;
          for (let r = 0; r < dim; r++) s += vf[r * l + a] * z[r * l + b];
          g[a * l + b] = s;
        }
      }
      for (let a = 0; a < l; a++) for (let b = 0; b < a; b++) g[a * l + b] = g[b * l + a];
      const { values, vectors: w } = symmetricEigen(g, l);
      const components = new Float32Array(k * dim);
      const signs = new Float64Array(k);
      for (let c = 0; c < k; c++) {
        let big = 0;
        const axis = new Float64Array(dim);
        for (let r = 0; r < dim; r++) {
          let s = 0;
          for (let b = 0; b < l; b++) s += vf[r * l + b] * w[c * l + b];
          axis[r] = s;
          if (Math.abs(s) > Math.abs(big)) big = s;
        }
        signs[c] = big < 0 ? -1 : 1;
        for (let r = 0; r < dim; r++) components[c * dim + r] = signs[c] * axis[r];
      }
      // coordinates: Y·W (the rows' projections on the Ritz vectors)
      const Y = mem.f32(L.Y, n * lp);
      const coords = new Float32Array(n * k);
      for (let i = 0; i < n; i++) {
        for (let c = 0; c < k; c++) {
          let s = 0;
          for (let b = 0; b < l; b++) s += Y[i * lp + b] * w[c * l + b];
          coords[i * k + c] = signs[c] * s;
        }
      }
      const denom = n - 1;
      this.mean = Float32Array.from(mean.subarray(0, dim));
      this.components = components;
      this.explainedVariance = Float64Array.from({ length: k }, (_, c) => Math.max(0, values[c]) / denom);
      this.explainedVarianceRatio = Float64Array.from({ length: k }, (_, c) => (totalSS > 0 ? Math.max(0, values[c]) / totalSS : 0));
      this.singularValues = Float64Array.from({ length: k }, (_, c) => Math.sqrt(Math.max(0, values[c])));
      return coords;
    } finally {
      await pool.close();
    }
  }

  /** Coordinates of new rows on the fitted components: (x − mean)·componentsᵀ (n × dims). */
  transform(vectors: Float32Array, n: number, dim: number): Float32Array {
    const { mean, components } = this;
    if (!mean || !components) throw new UsageError(`${WHAT}: call fit() before transform()`);
    if (dim !== mean.length) throw new UsageError(`${WHAT}: fitted on ${mean.length} dimensions, got ${dim}`);
    checkVectors(WHAT, vectors, n, dim, 0);
    const k = this.dims;
    const out = new Float32Array(n * k);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < k; c++) {
        let s = 0;
        for (let r = 0; r < dim; r++) s += (vectors[i * dim + r] - mean[r]) * components[c * dim + r];
        out[i * k + c] = s;
      }
    }
    return out;
  }
}
