import { throwIfAborted, UsageError } from '../errors.js';
import { seedState } from '../math/random.js';
import { initialLayout } from './init.js';
import { checkDims, checkVectors, intOption, numberOption, seedOption, threadsOption } from './input.js';
import { ProjectMemory, projectThreads, ranges } from './kernel.js';
import { neighborGraph, type NeighborGraph } from '../ann/neighbor-graph.js';
import { symmetrize, type Csr } from './sparse.js';
import type { ProjectionDims, RunOptions } from './types.js';

/** Hyper-parameters of {@link TSNE} (defaults as scikit-learn 1.2+). */
export interface TSNEOptions {
  /** Output dimensions: 2 or 3. Default 2. */
  dims?: ProjectionDims;
  /** Perplexity: the effective number of neighbours (3·perplexity are used). Default 30. */
  perplexity?: number;
  /** Factor on P during the first `exaggerationIterations`. Default 12. */
  earlyExaggeration?: number;
  /** Iterations with early exaggeration (momentum 0.5). Default 250 (at most `iterations`). */
  exaggerationIterations?: number;
  /** All gradient iterations (the rest with momentum 0.8). Default 1000. */
  iterations?: number;
  /** Step size, or 'auto' = max(n / earlyExaggeration / 4, 50) (Belkina et al. 2019). Default 'auto'. */
  learningRate?: number | 'auto';
  /** Rows drawn per row and iteration to estimate the repulsive forces. Default 32. */
  negativeSamples?: number;
  /** 'pca' (scaled to standard deviation 1e-4) or 'random'. Default 'pca'. */
  init?: 'pca' | 'random';
  /** Seed of the start, the HNSW graph and the samples. Default 0. */
  seed?: number;
  /** Worker threads. Default: the available cores. */
  threads?: number;
}

const WHAT = 't-SNE';

interface CalibrationLayout {
  D: number;
  P: number;
}

interface OptimizeLayout {
  Y: number;
  rowptr: number;
  cols: number;
  pv: number;
  attr: number;
  rep: number;
  gains: number;
  update: number;
}

/**
 * t-SNE (van der Maaten & Hinton 2008) on the kNN graph: P from perplexity-calibrated Gaussians
 * on each row's 3·perplexity nearest neighbours (from the HNSW index), symmetrised (van der Maaten
 * 2014, "Accelerating t-SNE using tree-based algorithms", §4.1). The gradient's attractive part is
 * exact over P's non-zeros; the repulsive part Σ_j w_ij²(y_i − y_j)/Z is estimated each iteration
 * from `negativeSamples` uniformly drawn rows per row, Z from the same draws — the negative-
 * sampling estimate of the repulsion (cf. Damrich et al. 2023, "From t-SNE to UMAP with contrastive
 * learning", and LargeVis, Tang et al. 2016), not Barnes-Hut. Gradient descent as scikit-learn's:
 * early exaggeration 12 for 250 iterations at momentum 0.5, then momentum 0.8, per-coordinate
 * gains (min 0.01). Hot loops in the WASM kernel (src/kernels/c/project.c) on worker threads;
 * with one thread (or any fixed number of threads and the exact graph) results repeat bit for bit.
 */
export class TSNE {
  readonly dims: ProjectionDims;
  readonly perplexity: number;
  readonly earlyExaggeration: number;
  readonly exaggerationIterations: number;
  readonly iterations: number;
  readonly learningRate: number | 'auto';
  readonly negativeSamples: number;
  readonly init: 'pca' | 'random';
  readonly seed: number;
  readonly threads: number;
  /** The learning rate of the last fit. */
  learningRateUsed: number | undefined;

  constructor(options: TSNEOptions = {}) {
    this.dims = checkDims(WHAT, options.dims ?? 2);
    this.perplexity = numberOption(WHAT, 'perplexity', options.perplexity, 30, 1, true);
    this.earlyExaggeration = numberOption(WHAT, 'earlyExaggeration', options.earlyExaggeration, 12, 1, true);
    this.iterations = intOption(WHAT, 'iterations', options.iterations, 1000, 1, 1_000_000);
    this.exaggerationIterations = intOption(
      WHAT,
      'exaggerationIterations',
      options.exaggerationIterations,
      Math.min(250, this.iterations),
      0,
      this.iterations,
    );
    const lr = options.learningRate ?? 'auto';
    this.learningRate = lr === 'auto' ? lr : numberOption(WHAT, 'learningRate', lr, 200, 0);
    this.negativeSamples = intOption(WHAT, 'negativeSamples', options.negativeSamples, 32, 1, 100_000);
    this.init = options.init ?? 'pca';
    if (this.init !== 'pca' && this.init !== 'random')
      throw new UsageError(`${WHAT}: init must be 'pca' or 'random', got '${String(this.init)}'`);
    this.seed = seedOption(WHAT, options.seed);
    this.threads = threadsOption(WHAT, options.threads);
  }

  /** Neighbours used per row: ⌊3·perplexity⌋. */
  get neighbors(): number {
    return Math.floor(3 * this.perplexity);
  }

  /** Embeds `vectors` (n × dim, row-major); resolves with n × dims coordinates. */
  async fitTransform(vectors: Float32Array, n: number, dim: number, run: RunOptions = {}): Promise<Float32Array> {
    const k = this.neighbors;
    checkVectors(WHAT, vectors, n, dim, 2);
    if (n < k + 1)
      throw new UsageError(
        `${WHAT}: perplexity ${this.perplexity} uses ${k} neighbours and needs at least ${k + 1} vectors, got ${n} (lower the perplexity)`,
      );
    const { signal, onProgress } = run;
    throwIfAborted(signal, `${WHAT} aborted`);
    const threads = Math.max(1, Math.min(this.threads, Math.ceil(n / 256)));
    const y0 = await initialLayout(this.init, vectors, n, dim, this.dims, 1e-4, this.seed, threads, { signal });
    const graph = await neighborGraph(vectors, n, dim, k, {
      threads,
      seed: this.seed,
      signal,
      onProgress: (f) => onProgress?.({ phase: 'neighbors', progress: f }),
    });
    const p = await this.#affinities(graph, threads, signal);
    onProgress?.({ phase: 'affinities', progress: 1 });
    return this.#optimize(y0, p, threads, run);
  }

  /** Conditional p_{j|i} per row in the kernel, then P = (P + Pᵀ) / 2n. */
  async #affinities(graph: NeighborGraph, threads: number, signal?: AbortSignal): Promise<Csr> {
    const { n, k } = graph;
    const mem = new ProjectMemory<CalibrationLayout>(threads, (a) => ({ D: a.alloc(n * k * 4), P: a.alloc(n * k * 4) }));
    const pool = projectThreads(mem);
    try {
      mem.f32(mem.layout.D, n * k).set(graph.dist2);
      const parts = ranges(n, threads);
      await pool.all('tsne_calibrate', (t) => [mem.layout.D, k, parts[t][0], parts[t][1], this.perplexity, mem.layout.P]);
      throwIfAborted(signal, `${WHAT} aborted`);
      const conditional = mem.f32(mem.layout.P, n * k).slice();
      return symmetrize(n, k, graph.ids, conditional, (a, b) => (a + b) / (2 * n));
    } finally {
      await pool.close();
    }
  }

  async #optimize(y0: Float32Array, p: Csr, threads: number, run: RunOptions): Promise<Float32Array> {
    const { n } = p;
    const dims = this.dims;
    const nnz = p.cols.length;
    const mem = new ProjectMemory<OptimizeLayout>(threads, (a) => ({
      Y: a.alloc(n * dims * 4),
      rowptr: a.alloc((n + 1) * 4),
      cols: a.alloc(nnz * 4),
      pv: a.alloc(nnz * 4),
      attr: a.alloc(n * dims * 4),
      rep: a.alloc(n * dims * 4),
      gains: a.alloc(n * dims * 4),
      update: a.alloc(n * dims * 4),
    }));
    const L = mem.layout;
    mem.f32(L.Y, n * dims).set(y0);
    mem.i32(L.rowptr, n + 1).set(p.rowptr);
    mem.i32(L.cols, nnz).set(p.cols);
    mem.f32(L.pv, nnz).set(p.vals);
    for (let t = 0; t < threads; t++) mem.seedThread(t, seedState(this.seed, t));
    const lr = this.learningRate === 'auto' ? Math.max(n / this.earlyExaggeration / 4, 50) : this.learningRate;
    this.learningRateUsed = lr;
    const parts = ranges(n, threads);
    const pool = projectThreads(mem);
    const { signal, onProgress } = run;
    try {
      for (let it = 0; it < this.iterations; it++) {
        const early = it < this.exaggerationIterations;
        if (it === 0 || it === this.exaggerationIterations) {
          // each stage starts afresh, as scikit-learn's two _gradient_descent calls
          mem.f32(L.gains, n * dims).fill(1);
          mem.f32(L.update, n * dims).fill(0);
        }
        const sums = await pool.all('tsne_forces', (t) => [
          L.Y,
          dims,
          n,
          parts[t][0],
          parts[t][1],
          L.rowptr,
          L.cols,
          L.pv,
          this.negativeSamples,
          mem.rngStates[t],
          L.attr,
          L.rep,
        ]);
        const s = sums.reduce((x, y) => x + y, 0);
        const exaggeration = early ? this.earlyExaggeration : 1;
        await pool.all('tsne_update', (t) => [
          L.Y,
          dims,
          parts[t][0],
          parts[t][1],
          L.attr,
          L.rep,
          exaggeration,
          s > 0 ? 1 / s : 0,
          L.gains,
          L.update,
          early ? 0.5 : 0.8,
          lr,
          0.01,
        ]);
        throwIfAborted(signal, `${WHAT} aborted`);
        if (it % 10 === 9 || it === this.iterations - 1) onProgress?.({ phase: 'optimize', progress: (it + 1) / this.iterations });
      }
      return mem.f32(L.Y, n * dims).slice();
    } finally {
      await pool.close();
    }
  }
}
