import { throwIfAborted, UsageError } from '../errors.js';
import { mulberry32, seedState } from '../math/random.js';
import { initialLayout } from './init.js';
import { checkDims, checkVectors, intOption, numberOption, seedOption, threadsOption } from './input.js';
import { ProjectMemory, projectThreads, ranges } from './kernel.js';
import { gaussian } from './linalg.js';
import { neighborGraph } from '../ann/neighbor-graph.js';
import { fitAB } from './umap-curve.js';
import { fuzzySimplicialSet } from './umap-graph.js';
import type { ProjectionDims, RunOptions } from './types.js';

/** Hyper-parameters of {@link UMAP} (defaults as umap-learn's). */
export interface UMAPOptions {
  /** Output dimensions: 2 or 3. Default 2. */
  dims?: ProjectionDims;
  /** Size of the local neighbourhood, the row itself included (umap-learn's n_neighbors). Default 15. */
  neighbors?: number;
  /** Smallest distance between embedded points. Default 0.1. */
  minDist?: number;
  /** Scale of the embedded points' spread. Default 1. */
  spread?: number;
  /** SGD epochs. Default 500 up to 10,000 rows, else 200. */
  epochs?: number;
  /** Initial SGD step (decays linearly to 0). Default 1. */
  learningRate?: number;
  /** Negative samples per positive sample. Default 5. */
  negativeSampleRate?: number;
  /** Weight of the repulsive samples (γ). Default 1. */
  repulsionStrength?: number;
  /** 'pca' (rescaled to [0, 10]) or 'random' (uniform in [−10, 10]). Default 'pca'. */
  init?: 'pca' | 'random';
  /** Seed of the start, the HNSW graph and the samples. Default 0. */
  seed?: number;
  /** Worker threads. Default: the available cores. */
  threads?: number;
}

const WHAT = 'UMAP';

interface UmapLayout {
  Y: number;
  head: number;
  tail: number;
  eps: number;
  next: number;
  epsNeg: number;
  nextNeg: number;
}

/**
 * UMAP (McInnes, Healy & Melville 2018), an own implementation on the HNSW kNN graph: the fuzzy
 * simplicial set (smooth kNN σ/ρ, fuzzy union), a and b fitted to `minDist`/`spread`, a PCA start
 * (Kobak & Linderman 2021) rescaled to [0, 10] as umap-learn rescales its spectral start, and
 * umap-learn's SGD: each edge sampled in proportion to its weight, `negativeSampleRate` uniform
 * negatives per sample, gradients clipped to ±4, the step decaying linearly. Epochs run in the WASM
 * kernel (src/kernels/c/project.c); several threads share the layout Hogwild-style (as umap-learn's
 * parallel mode), so only one thread repeats bit for bit.
 */
export class UMAP {
  readonly dims: ProjectionDims;
  readonly neighbors: number;
  readonly minDist: number;
  readonly spread: number;
  readonly epochs: number | undefined;
  readonly learningRate: number;
  readonly negativeSampleRate: number;
  readonly repulsionStrength: number;
  readonly init: 'pca' | 'random';
  readonly seed: number;
  readonly threads: number;
  /** The curve parameters of the last fit. */
  a: number | undefined;
  b: number | undefined;

  constructor(options: UMAPOptions = {}) {
    this.dims = checkDims(WHAT, options.dims ?? 2);
    this.neighbors = intOption(WHAT, 'neighbors', options.neighbors, 15, 2, 10_000);
    this.spread = numberOption(WHAT, 'spread', options.spread, 1, 0);
    this.minDist = numberOption(WHAT, 'minDist', options.minDist, 0.1, 0, true);
    if (this.minDist > this.spread) throw new UsageError(`${WHAT}: minDist (${this.minDist}) must not exceed spread (${this.spread})`);
    this.epochs = options.epochs === undefined ? undefined : intOption(WHAT, 'epochs', options.epochs, 200, 1, 1_000_000);
    this.learningRate = numberOption(WHAT, 'learningRate', options.learningRate, 1, 0);
    this.negativeSampleRate = intOption(WHAT, 'negativeSampleRate', options.negativeSampleRate, 5, 0, 1000);
    this.repulsionStrength = numberOption(WHAT, 'repulsionStrength', options.repulsionStrength, 1, 0, true);
    this.init = options.init ?? 'pca';
    if (this.init !== 'pca' && this.init !== 'random')
      throw new UsageError(`${WHAT}: init must be 'pca' or 'random', got '${String(this.init)}'`);
    this.seed = seedOption(WHAT, options.seed);
    this.threads = threadsOption(WHAT, options.threads);
  }

  /** Embeds `vectors` (n × dim, row-major); resolves with n × dims coordinates. */
  async fitTransform(vectors: Float32Array, n: number, dim: number, run: RunOptions = {}): Promise<Float32Array> {
    checkVectors(WHAT, vectors, n, dim, 2);
    if (n < this.neighbors + 1)
      throw new UsageError(
        `${WHAT}: neighbors = ${this.neighbors} needs at least ${this.neighbors + 1} vectors, got ${n} (lower neighbors)`,
      );
    const { signal, onProgress } = run;
    throwIfAborted(signal, `${WHAT} aborted`);
    const { a, b } = fitAB(this.minDist, this.spread);
    this.a = a;
    this.b = b;
    const threads = Math.max(1, Math.min(this.threads, Math.ceil(n / 256)));
    const graph = await neighborGraph(vectors, n, dim, this.neighbors - 1, {
      threads,
      seed: this.seed,
      signal,
      onProgress: (f) => onProgress?.({ phase: 'neighbors', progress: f }),
    });
    const fuzzy = fuzzySimplicialSet(graph, this.neighbors);
    onProgress?.({ phase: 'affinities', progress: 1 });
    const epochs = this.epochs ?? (n <= 10_000 ? 500 : 200);
    // edges below max/epochs would never be sampled (umap-learn drops them)
    let wmax = 0;
    for (const w of fuzzy.vals) wmax = Math.max(wmax, w);
    const keep: number[] = [];
    for (let e = 0; e < fuzzy.vals.length; e++) if (fuzzy.vals[e] >= wmax / epochs) keep.push(e);
    const m = keep.length;
    const y0 = await this.#start(vectors, n, dim, threads, signal);
    const mem = new ProjectMemory<UmapLayout>(threads, (al) => ({
      Y: al.alloc(n * this.dims * 4),
      head: al.alloc(m * 4),
      tail: al.alloc(m * 4),
      eps: al.alloc(m * 4),
      next: al.alloc(m * 4),
      epsNeg: al.alloc(m * 4),
      nextNeg: al.alloc(m * 4),
    }));
    const L = mem.layout;
    mem.f32(L.Y, n * this.dims).set(y0);
    const head = mem.i32(L.head, m);
    const tail = mem.i32(L.tail, m);
    const eps = mem.f32(L.eps, m);
    const next = mem.f32(L.next, m);
    const epsNeg = mem.f32(L.epsNeg, m);
    const nextNeg = mem.f32(L.nextNeg, m);
    let row = 0;
    for (let q = 0; q < m; q++) {
      const e = keep[q];
      while (fuzzy.rowptr[row + 1] <= e) row++;
      head[q] = row;
      tail[q] = fuzzy.cols[e];
      eps[q] = wmax / fuzzy.vals[e];
      next[q] = eps[q];
      // rate 0: no negatives at all (the epoch never comes)
      epsNeg[q] = this.negativeSampleRate > 0 ? eps[q] / this.negativeSampleRate : Infinity;
      nextNeg[q] = epsNeg[q];
    }
    for (let t = 0; t < threads; t++) mem.seedThread(t, seedState(this.seed, t));
    const parts = ranges(m, threads);
    const pool = projectThreads(mem);
    try {
      for (let epoch = 0; epoch < epochs; epoch++) {
        const alpha = this.learningRate * (1 - epoch / epochs);
        await pool.all('umap_epoch', (t) => [
          L.Y,
          this.dims,
          n,
          L.head,
          L.tail,
          L.eps,
          L.next,
          L.epsNeg,
          L.nextNeg,
          parts[t][0],
          parts[t][1],
          epoch,
          a,
          b,
          this.repulsionStrength,
          alpha,
          mem.rngStates[t],
        ]);
        throwIfAborted(signal, `${WHAT} aborted`);
        if (epoch % 5 === 4 || epoch === epochs - 1) onProgress?.({ phase: 'optimize', progress: (epoch + 1) / epochs });
      }
      return mem.f32(L.Y, n * this.dims).slice();
    } finally {
      await pool.close();
    }
  }

  /** The start: PCA (or uniform) with a little noise, each axis rescaled to [0, 10] (umap-learn). */
  async #start(vectors: Float32Array, n: number, dim: number, threads: number, signal?: AbortSignal): Promise<Float32Array> {
    const dims = this.dims;
    let y: Float32Array;
    if (this.init === 'pca') {
      y = await initialLayout('pca', vectors, n, dim, dims, 1, this.seed, threads, { signal });
      const normal = gaussian(this.seed ^ 0x0a0a);
      let big = 0;
      for (const v of y) big = Math.max(big, Math.abs(v));
      const scale = big > 0 ? 10 / big : 1;
      for (let i = 0; i < y.length; i++) y[i] = y[i] * scale + 1e-4 * normal();
    } else {
      const uniform = mulberry32(this.seed ^ 0x0b0b);
      y = Float32Array.from({ length: n * dims }, () => 20 * uniform() - 10);
    }
    for (let c = 0; c < dims; c++) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < n; i++) {
        lo = Math.min(lo, y[i * dims + c]);
        hi = Math.max(hi, y[i * dims + c]);
      }
      const range = hi - lo > 0 ? hi - lo : 1;
      for (let i = 0; i < n; i++) y[i * dims + c] = (10 * (y[i * dims + c] - lo)) / range;
    }
    return y;
  }
}
