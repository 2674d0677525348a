import { availableParallelism } from 'node:os';
import { AbortError, UsageError } from '../../errors.js';
import type { Matrix } from '../../math/matrix.js';
import { mulberry32 } from '../../math/random.js';
import { checkK, checkRows } from './input.js';
import { KmeansMemory, mainKernel } from './kmeans-kernel.js';
import { kmeansPlusPlus } from './kmeans-plus-plus.js';
import { KmeansThreads } from './kmeans-threads.js';

/** Options of {@link KMeans} (scikit-learn's KMeans with algorithm='lloyd', n_init=1). */
export interface KMeansOptions {
  /** Number of clusters (n_clusters). */
  k: number;
  /** Most Lloyd iterations. Default 300. */
  maxIter?: number;
  /**
   * Stop when the summed squared centroid shift is ≤ tol × the mean per-dimension variance of the
   * data (scikit-learn's tolerance). Default 1e-4; 0 runs until the labels stop changing.
   */
  tol?: number;
  /** Seed of the k-means++ draws. Default 0. Results are bit-for-bit repeatable for a seed and thread count. */
  seed?: number;
  /** Worker threads. Default min(4, available cores), 1 below 20 000 rows. */
  threads?: number;
  /**
   * Bounds that let the assignment skip distances (the result is Lloyd's either way): 'elkan' keeps
   * n × k lower bounds (fewest distances; 4·n·k bytes), 'hamerly' one per row. Default: elkan while
   * n · k ≤ 2^26, else hamerly.
   */
  bounds?: 'elkan' | 'hamerly';
  /** Initial centroids: 'k-means++' (default) or k × dim rows given by the caller. */
  init?: 'k-means++' | Matrix;
  signal?: AbortSignal;
  /** Called after each iteration. */
  onIteration?: (info: { iteration: number; changed: number; distances: number }) => void;
}

/** What {@link KMeans.fit} returns. */
export interface KMeansResult {
  /** Cluster of each row, in input order. */
  labels: Int32Array;
  /** k × dim centroids. */
  centroids: Matrix;
  /** Σ squared distance of each row to its centroid (after a final assignment, as scikit-learn). */
  inertia: number;
  /** Lloyd iterations run. */
  iterations: number;
  /** Seconds of the fit (initialisation included). */
  seconds: number;
}

const SMALL = 20_000;

/** Resolves a thread count from the option and the number of rows. */
export function clusterThreads(requested: number | undefined, rows: number): number {
  if (requested !== undefined && !(Number.isInteger(requested) && requested >= 1))
    throw new UsageError(`threads must be an integer ≥ 1, got ${requested}`);
  const t = requested ?? (rows < SMALL ? 1 : Math.min(4, availableParallelism()));
  return Math.max(1, Math.min(t, Math.ceil(rows / 1024)));
}

/** The mean per-dimension variance of the rows (scikit-learn's `_tolerance` base). */
function meanVariance(x: Matrix): number {
  const { rows, dim, data } = x;
  let total = 0;
  for (let d = 0; d < dim; d++) {
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < rows; i++) {
      const v = data[i * dim + d];
      s += v;
      s2 += v * v;
    }
    const mean = s / rows;
    total += Math.max(0, s2 / rows - mean * mean);
  }
  return total / dim;
}

/**
 * k-means (Lloyd 1982) with k-means++ seeding. Each iteration assigns every row to its nearest
 * centroid in the WASM SIMD kernel (src/kernels/c/kmeans.c), split over worker threads, and skips
 * the rows whose assignment Hamerly's bounds prove unchanged — the result is Lloyd's, the work
 * shrinks as the centroids settle. Empty clusters take the rows farthest from their centroids (as
 * scikit-learn). Memory: the rows once in kernel memory plus O(n) floats; no n × n or n × k matrix.
 */
export class KMeans {
  readonly k: number;
  readonly maxIter: number;
  readonly tol: number;
  readonly seed: number;

  constructor(readonly options: KMeansOptions) {
    this.k = options.k;
    this.maxIter = options.maxIter ?? 300;
    this.tol = options.tol ?? 1e-4;
    this.seed = options.seed ?? 0;
    if (!(Number.isInteger(this.k) && this.k >= 1)) throw new UsageError(`k must be an integer ≥ 1, got ${this.k}`);
    if (!(Number.isInteger(this.maxIter) && this.maxIter >= 1)) throw new UsageError(`maxIter must be an integer ≥ 1, got ${this.maxIter}`);
    if (!(this.tol >= 0 && Number.isFinite(this.tol))) throw new UsageError(`tol must be a finite number ≥ 0, got ${this.tol}`);
  }

  async fit(x: Matrix): Promise<KMeansResult> {
    const t0 = performance.now();
    checkRows(x, 'k-means');
    checkK(this.k, x.rows);
    const { rows: n, dim } = x;
    const k = this.k;
    const { signal, onIteration } = this.options;
    const threadCount = clusterThreads(this.options.threads, n);
    const elkan = (this.options.bounds ?? (n * Math.ceil(k / 8) * 8 <= 2 ** 26 ? 'elkan' : 'hamerly')) === 'elkan';
    const mem = new KmeansMemory(n, dim, k, threadCount, Math.min(8, 2 + Math.floor(Math.log(k))), elkan);
    const dp = mem.dp;
    mem.setRows(x.data);
    const threads = new KmeansThreads(mem);
    try {
      await threads.all('km_row_norms', (r) => [mem.X, dp, r.begin, r.end, mem.xn]);
      let centroids: Float64Array = new Float64Array(k * dp);
      const init = this.options.init ?? 'k-means++';
      if (init === 'k-means++') {
        const rows = await kmeansPlusPlus(mem, threads, mulberry32(this.seed));
        const X = mem.f32(mem.X, n * dp);
        for (let j = 0; j < k; j++) for (let t = 0; t < dp; t++) centroids[j * dp + t] = X[rows[j] * dp + t];
      } else {
        if (init.rows !== k || init.dim !== dim)
          throw new UsageError(`k-means init: expected ${k} × ${dim} centroids, got ${init.rows} × ${init.dim}`);
        checkRows(init, 'k-means init');
        for (let j = 0; j < k; j++) for (let t = 0; t < dim; t++) centroids[j * dp + t] = init.data[j * dim + t];
      }
      const tolerance = this.tol * meanVariance(x);
      const shift = mem.f32(mem.shift, mem.kp);
      let iterations = 0;
      let strict = false;
      let maxShift = 0;
      /** One assignment pass with the current centroids: labels, sums, counts; returns [changed, distances]. */
      const assign = async (first: boolean): Promise<[number, number]> => {
        mem.setCentroids(centroids);
        setSeparations(centroids, k, dp, mem.f32(mem.halfSep, k), elkan ? mem.f32(mem.half, k * mem.kp) : undefined, mem.kp);
        for (const r of mem.threads) {
          mem.f64(r.sums, k * dp).fill(0);
          mem.i32(r.counts, k).fill(0);
        }
        const f = first ? 1 : 0;
        const changed = elkan
          ? await threads.all('km_step_elkan', (r) => [
              mem.X,
              dp,
              r.begin,
              r.end,
              mem.C,
              mem.CT,
              mem.cn,
              mem.kp,
              k,
              mem.xn,
              mem.labels,
              mem.upper,
              mem.lowerK,
              mem.shift,
              mem.half,
              f,
              r.list,
              r.scratch,
              r.sums,
              r.counts,
              r.stats,
            ])
          : await threads.all('km_step', (r) => [
              mem.X,
              dp,
              r.begin,
              r.end,
              mem.C,
              mem.CT,
              mem.cn,
              mem.kp,
              k,
              mem.xn,
              mem.labels,
              mem.upper,
              mem.lower,
              mem.shift,
              maxShift,
              mem.halfSep,
              f,
              r.list,
              r.best,
              r.d1,
              r.d2,
              r.scratch,
              r.sums,
              r.counts,
              r.stats,
            ]);
        const stat = mem.threads.reduce((s, r) => s + mem.i32(r.stats, 1)[0], 0);
        // Hamerly's stat counts rows scanned against all k centroids
        return [changed.reduce((a, b) => a + b, 0), elkan ? stat : stat * k];
      };
      for (let it = 0; it < this.maxIter; it++) {
        if (signal?.aborted) throw new AbortError('k-means aborted');
        const [changed, distances] = await assign(it === 0);
        iterations = it + 1;
        onIteration?.({ iteration: iterations, changed, distances });
        const next = await this.#update(mem, threads, centroids);
        // scikit-learn stops on unchanged labels (keeping the centroids computed from them) or a
        // total squared shift ≤ tolerance
        let total = 0;
        maxShift = 0;
        for (let j = 0; j < k; j++) {
          let s = 0;
          for (let t = 0; t < dp; t++) s += (next[j * dp + t] - centroids[j * dp + t]) ** 2;
          total += s;
          // widened so float rounding of the centroids can never make a bound unsafe
          shift[j] = Math.sqrt(s) * 1.0001 + 1e-6;
          maxShift = Math.max(maxShift, shift[j]);
        }
        centroids = next;
        if (it > 0 && changed === 0) {
          strict = true;
          break;
        }
        if (total <= tolerance) break;
      }
      if (strict) mem.setCentroids(centroids);
      else await assign(false);
      const inertia = (await threads.all('km_inertia', (r) => [mem.X, dp, r.begin, r.end, mem.C, mem.labels, mem.dist2])).reduce(
        (a, b) => a + b,
        0,
      );
      const out = new Float32Array(k * dim);
      for (let j = 0; j < k; j++) for (let t = 0; t < dim; t++) out[j * dim + t] = centroids[j * dp + t];
      return {
        labels: mem.i32(mem.labels, n).slice(),
        centroids: { rows: k, dim, data: out },
        inertia,
        iterations,
        seconds: (performance.now() - t0) / 1000,
      };
    } finally {
      await threads.close();
    }
  }

  /** New centroids from the threads' sums and counts; empty clusters take the farthest rows. */
  async #update(mem: KmeansMemory, threads: KmeansThreads, old: Float64Array): Promise<Float64Array> {
    const { k, dp, n } = mem;
    const sums = new Float64Array(k * dp);
    const counts = new Float64Array(k);
    for (const r of mem.threads) {
      const s = mem.f64(r.sums, k * dp);
      const c = mem.i32(r.counts, k);
      for (let i = 0; i < k * dp; i++) sums[i] += s[i];
      for (let j = 0; j < k; j++) counts[j] += c[j];
    }
    const empty: number[] = [];
    for (let j = 0; j < k; j++) if (counts[j] === 0) empty.push(j);
    if (empty.length > 0) {
      // distances to the old centroids with the new labels (scikit-learn's _relocate_empty_clusters)
      await threads.all('km_inertia', (r) => [mem.X, dp, r.begin, r.end, mem.C, mem.labels, mem.dist2]);
      const dist = mem.f32(mem.dist2, n);
      const labels = mem.i32(mem.labels, n);
      const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => dist[b] - dist[a] || a - b);
      const X = mem.f32(mem.X, n * dp);
      for (let e = 0; e < empty.length; e++) {
        const i = order[e];
        const from = labels[i];
        const to = empty[e];
        for (let t = 0; t < dp; t++) {
          sums[from * dp + t] -= X[i * dp + t];
          sums[to * dp + t] = X[i * dp + t];
        }
        counts[from]--;
        counts[to] = 1;
      }
    }
    const next = new Float64Array(k * dp);
    for (let j = 0; j < k; j++) {
      if (counts[j] === 0) {
        next.set(old.subarray(j * dp, (j + 1) * dp), j * dp);
        continue;
      }
      const inv = 1 / counts[j];
      for (let t = 0; t < dp; t++) next[j * dp + t] = sums[j * dp + t] * inv;
    }
    return next;
  }
}

/**
 * halfSep[j] = ½ min over j' ≠ j of ‖c_j − c_j'‖ and, for Elkan, half[j·kp + j'] = ½ ‖c_j − c_j'‖
 * (+∞ on the diagonal and in the padding columns, so they never pass a test); shrunk slightly so
 * rounding keeps them lower bounds.
 */
function setSeparations(c: Float64Array, k: number, dp: number, halfSep: Float32Array, half: Float32Array | undefined, kp: number): void {
  const near = new Float64Array(k).fill(Infinity);
  half?.fill(3.4e38);
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      let s = 0;
      for (let t = 0; t < dp; t++) {
        const v = c[a * dp + t] - c[b * dp + t];
        s += v * v;
      }
      if (s < near[a]) near[a] = s;
      if (s < near[b]) near[b] = s;
      if (half) half[a * kp + b] = half[b * kp + a] = 0.5 * Math.sqrt(s) * 0.9999;
    }
  }
  for (let j = 0; j < k; j++) halfSep[j] = k === 1 ? 3.4e38 : 0.5 * Math.sqrt(near[j]) * 0.9999;
}

/** Nearest of the `centroids` for each row of `x` (labels and exact squared distances), in the kernel. */
export function assignToCentroids(x: Matrix, centroids: Matrix): { labels: Int32Array; distances: Float32Array } {
  checkRows(x, 'k-means predict');
  if (x.dim !== centroids.dim) throw new UsageError(`k-means predict: vectors have ${x.dim} dimensions, the centroids ${centroids.dim}`);
  const mem = new KmeansMemory(x.rows, x.dim, centroids.rows, 1, 1);
  mem.setRows(x.data);
  const c = new Float64Array(centroids.rows * mem.dp);
  for (let j = 0; j < centroids.rows; j++) for (let t = 0; t < x.dim; t++) c[j * mem.dp + t] = centroids.data[j * centroids.dim + t];
  mem.setCentroids(c);
  const kernel = mainKernel(mem);
  const r = mem.threads[0];
  kernel.km_row_norms(mem.X, mem.dp, 0, x.rows, mem.xn);
  kernel.km_nearest(
    mem.X,
    mem.dp,
    0,
    x.rows,
    mem.CT,
    mem.cn,
    mem.kp,
    centroids.rows,
    mem.xn,
    mem.labels,
    mem.dist2,
    r.list,
    r.d2,
    r.scratch,
  );
  // exact squared distances (differences, not the dot-product form of the search)
  kernel.km_inertia(mem.X, mem.dp, 0, x.rows, mem.C, mem.labels, mem.dist2);
  return { labels: mem.i32(mem.labels, x.rows).slice(), distances: mem.f32(mem.dist2, x.rows).slice() };
}
