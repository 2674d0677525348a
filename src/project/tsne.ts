import { throwIfAborted, UsageError } from '../errors.js';
import { seedState } from '../math/random.js';
import { initialLayout } from './init.js';
import { checkDims, checkVectors, intOption, numberOption, seedOption, threadsOption } from './input.js';
import { ProjectMemory, projectThreads, ranges } from './kernel.js';
import { neighborGraph, type NeighborGraph } from '../ann/neighbor-graph.js';
import { symmetrize, type Csr } from './sparse.js';
import { groupRanges, TREE_NODE_BYTES, treeCapacity, tsneBhThreads } from './tsne-bh-kernel.js';
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
  /**
   * How the repulsive forces are computed: 'barnes-hut' (a quad/octree per iteration, cells
   * further than their side / `theta` taken whole; van der Maaten 2014) or 'fast' (estimated from
   * `negativeSamples` uniformly drawn rows per row: cheaper on large sets, noisier neighbourhoods).
   * 'auto' (default): Barnes-Hut up to {@link TSNE_AUTO_BARNES_HUT_MAX_ROWS} rows, 'fast' above.
   */
  method?: TSNEMethod;
  /** Barnes-Hut opening angle: a cell counts as one point when side / distance < theta. Default 0.5. */
  theta?: number;
  /** 'fast' only: rows drawn per row and iteration to estimate the repulsive forces. Default 32. */
  negativeSamples?: number;
  /** 'pca' (scaled to standard deviation 1e-4) or 'random'. Default 'pca'. */
  init?: 'pca' | 'random';
  /** Seed of the start, the HNSW graph and the samples. Default 0. */
  seed?: number;
  /** Worker threads. Default: the available cores. */
  threads?: number;
}

/** How {@link TSNE} computes the repulsive forces. */
export type TSNEMethod = 'auto' | 'barnes-hut' | 'fast';

/**
 * 'auto' uses Barnes-Hut up to this many rows and the sampled repulsion above: Barnes-Hut costs
 * ~2.6× the CPU of 'fast' at 20k rows and grows as n log n, which would put 100k × 100 well past
 * the one-minute budget on 2 cores (docs/benchmarks.md, Barnes-Hut t-SNE section).
 */
export const TSNE_AUTO_BARNES_HUT_MAX_ROWS = 30_000;

const WHAT = 't-SNE';
/** Iterations per kernel call when one thread runs them all. */
const STEPS_PER_CALL = 10;
/** Floor of the per-coordinate gains (scikit-learn's min_gain). */
const MIN_GAIN = 0.01;

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
  /** Barnes-Hut: the tree cells, the rows' Morton order and the sort's scratch (0 for 'fast'). */
  nodes: number;
  order: number;
  scratch: number;
}

/** One stage of the descent: iterations [it, it + steps) with these settings. */
interface Stage {
  steps: number;
  exaggeration: number;
  momentum: number;
  lr: number;
}

/**
 * t-SNE (van der Maaten & Hinton 2008) on the kNN graph: P from perplexity-calibrated Gaussians
 * on each row's 3·perplexity nearest neighbours (from the HNSW index), symmetrised (van der Maaten
 * 2014, "Accelerating t-SNE using tree-based algorithms", §4.1). The gradient's attractive part is
 * exact over P's non-zeros. The repulsive part Σ_j w_ij²(y_i − y_j) / Z is by default Barnes-Hut
 * (ibid. §4.2, scikit-learn's method: a quadtree or octree per iteration, opening angle `theta`);
 * `method: 'fast'` estimates it from `negativeSamples` uniformly drawn rows per row, Z from the
 * same draws (the negative-sampling estimate, cf. LargeVis, Tang et al. 2016, and Damrich et al.
 * 2023). Gradient descent as scikit-learn's: early exaggeration 12 for 250 iterations at momentum
 * 0.5, then momentum 0.8, per-coordinate gains (min 0.01). Hot loops in the WASM kernels
 * (src/kernels/c/tsne-bh.c, project.c) on worker threads; with one thread results repeat bit for
 * bit (Barnes-Hut also with any fixed number of threads and the exact graph).
 */
export class TSNE {
  readonly dims: ProjectionDims;
  readonly perplexity: number;
  readonly earlyExaggeration: number;
  readonly exaggerationIterations: number;
  readonly iterations: number;
  readonly learningRate: number | 'auto';
  readonly method: TSNEMethod;
  readonly theta: number;
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
    this.method = options.method ?? 'auto';
    if (this.method !== 'auto' && this.method !== 'barnes-hut' && this.method !== 'fast')
      throw new UsageError(`${WHAT}: method must be 'auto', 'barnes-hut' or 'fast', got '${String(this.method)}'`);
    this.theta = numberOption(WHAT, 'theta', options.theta, 0.5, 0);
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
    const barnesHut = this.method === 'barnes-hut' || (this.method === 'auto' && n <= TSNE_AUTO_BARNES_HUT_MAX_ROWS);
    const capacity = barnesHut ? treeCapacity(n, dims) : 0;
    const mem = new ProjectMemory<OptimizeLayout>(threads, (a) => ({
      Y: a.alloc(n * dims * 4),
      rowptr: a.alloc((n + 1) * 4),
      cols: a.alloc(nnz * 4),
      pv: a.alloc(nnz * 4),
      attr: a.alloc(n * dims * 4),
      rep: a.alloc(n * dims * 4),
      gains: a.alloc(n * dims * 4),
      update: a.alloc(n * dims * 4),
      nodes: barnesHut ? a.alloc(capacity * TREE_NODE_BYTES) : 0,
      order: barnesHut ? a.alloc(n * 4) : 0,
      scratch: barnesHut ? a.alloc(3 * n * 4) : 0,
    }));
    const L = mem.layout;
    mem.f32(L.Y, n * dims).set(y0);
    mem.i32(L.rowptr, n + 1).set(p.rowptr);
    mem.i32(L.cols, nnz).set(p.cols);
    mem.f32(L.pv, nnz).set(p.vals);
    for (let t = 0; t < threads; t++) mem.seedThread(t, seedState(this.seed, t));
    const lr = this.learningRate === 'auto' ? Math.max(n / this.earlyExaggeration / 4, 50) : this.learningRate;
    this.learningRateUsed = lr;
    const step = barnesHut ? this.#barnesHutSteps(mem, n, capacity, threads) : this.#sampledSteps(mem, n, threads);
    const { signal, onProgress } = run;
    try {
      for (let it = 0; it < this.iterations;) {
        const early = it < this.exaggerationIterations;
        if (it === 0 || it === this.exaggerationIterations) {
          // each stage starts afresh, as scikit-learn's two _gradient_descent calls
          mem.f32(L.gains, n * dims).fill(1);
          mem.f32(L.update, n * dims).fill(0);
        }
        // one thread: several iterations per call (same arithmetic, fewer round trips), never across the stage change
        const stageEnd = early ? this.exaggerationIterations : this.iterations;
        const steps = threads === 1 ? Math.min(STEPS_PER_CALL, stageEnd - it) : 1;
        await step.run({ steps, exaggeration: early ? this.earlyExaggeration : 1, momentum: early ? 0.5 : 0.8, lr });
        it += steps;
        throwIfAborted(signal, `${WHAT} aborted`);
        onProgress?.({ phase: 'optimize', progress: it / this.iterations });
      }
      return mem.f32(L.Y, n * dims).slice();
    } finally {
      await step.close();
    }
  }

  /** Barnes-Hut iterations: the tree (thread 0), the forces (all threads), the step (all threads). */
  #barnesHutSteps(mem: ProjectMemory<OptimizeLayout>, n: number, capacity: number, threads: number) {
    const L = mem.layout;
    // the forces go by positions in the Morton order (whole walk groups per thread), the step by rows
    const walks = groupRanges(n, threads);
    const parts = ranges(n, threads);
    const dims = this.dims;
    const pool = tsneBhThreads(mem);
    const run = async (s: Stage) => {
      if (pool.count === 1) {
        await pool.all('tsne_bh_steps', () => [
          L.Y,
          dims,
          n,
          L.rowptr,
          L.cols,
          L.pv,
          L.nodes,
          capacity,
          L.order,
          L.scratch,
          this.theta,
          L.attr,
          L.rep,
          s.exaggeration,
          L.gains,
          L.update,
          s.momentum,
          s.lr,
          MIN_GAIN,
          s.steps,
        ]);
        return;
      }
      // the other threads build nothing (n = 0)
      await pool.all('tsne_bh_build', (t) => [L.Y, dims, t === 0 ? n : 0, L.nodes, capacity, L.order, L.scratch]);
      const z = await pool.all('tsne_bh_forces', (t) => [
        L.Y,
        dims,
        walks[t][0],
        walks[t][1],
        L.rowptr,
        L.cols,
        L.pv,
        L.nodes,
        L.order,
        this.theta,
        L.attr,
        L.rep,
      ]);
      const sum = z.reduce((x, y) => x + y, 0);
      await pool.all('tsne_bh_update', (t) => stepArgs(L, dims, parts[t], s, sum));
    };
    return { run, close: () => pool.close() };
  }

  /** 'fast' iterations: forces with sampled repulsion (all threads), then the step (all threads). */
  #sampledSteps(mem: ProjectMemory<OptimizeLayout>, n: number, threads: number) {
    const L = mem.layout;
    const parts = ranges(n, threads);
    const dims = this.dims;
    const pool = projectThreads(mem);
    const run = async (s: Stage) => {
      if (pool.count === 1) {
        await pool.all('tsne_steps', () => [
          L.Y,
          dims,
          n,
          L.rowptr,
          L.cols,
          L.pv,
          this.negativeSamples,
          mem.rngStates[0],
          L.attr,
          L.rep,
          s.exaggeration,
          L.gains,
          L.update,
          s.momentum,
          s.lr,
          MIN_GAIN,
          s.steps,
        ]);
        return;
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
      const sum = sums.reduce((x, y) => x + y, 0);
      await pool.all('tsne_update', (t) => stepArgs(L, dims, parts[t], s, sum));
    };
    return { run, close: () => pool.close() };
  }
}

/**
 * Arguments of the gradient step for rows [begin, end): tsne_update (project.c) and tsne_bh_update
 * (tsne-bh.c) take the same ones (both run tsne_step_rows of tsne-common.h); `sum` is the
 * repulsion's normaliser Z from the forces pass.
 */
function stepArgs(L: OptimizeLayout, dims: number, [begin, end]: [number, number], s: Stage, sum: number): number[] {
  return [L.Y, dims, begin, end, L.attr, L.rep, s.exaggeration, sum > 0 ? 1 / sum : 0, L.gains, L.update, s.momentum, s.lr, MIN_GAIN];
}
