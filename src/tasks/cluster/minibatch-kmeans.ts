import { AbortError, UsageError } from '../../errors.js';
import type { Matrix } from '../../math/matrix.js';
import { mulberry32 } from '../../math/random.js';
import { checkK, checkRows } from './input.js';
import { assignToCentroids, KMeans, type KMeansResult } from './kmeans.js';
import { KmeansMemory, mainKernel } from './kmeans-kernel.js';

/** Options of {@link MiniBatchKMeans} (scikit-learn's MiniBatchKMeans). */
export interface MiniBatchKMeansOptions {
  k: number;
  /** Rows per step. Default 1024. */
  batchSize?: number;
  /** Passes over the data (steps = maxIter · n / batchSize). Default 100. */
  maxIter?: number;
  /** Stop after this many steps without a better smoothed batch inertia. Default 10. */
  maxNoImprovement?: number;
  /** Rows of the k-means++ seeding sample. Default 3 · batchSize (at least k). */
  initSize?: number;
  seed?: number;
  signal?: AbortSignal;
}

/**
 * Mini-batch k-means (Sculley 2010): each step draws a random batch, assigns it to the nearest
 * centroids in the kmeans kernel and moves each centroid towards its batch rows with a per-centroid
 * learning rate 1 / (rows it has absorbed). Stops early when the exponentially smoothed batch
 * inertia has not improved for `maxNoImprovement` steps (as scikit-learn). For data too large for
 * full Lloyd iterations; the final labels and inertia come from one full assignment.
 */
export class MiniBatchKMeans {
  readonly k: number;
  readonly batchSize: number;
  readonly maxIter: number;
  readonly maxNoImprovement: number;
  readonly seed: number;

  constructor(readonly options: MiniBatchKMeansOptions) {
    this.k = options.k;
    this.batchSize = options.batchSize ?? 1024;
    this.maxIter = options.maxIter ?? 100;
    this.maxNoImprovement = options.maxNoImprovement ?? 10;
    this.seed = options.seed ?? 0;
    for (const [name, v] of [
      ['k', this.k],
      ['batchSize', this.batchSize],
      ['maxIter', this.maxIter],
      ['maxNoImprovement', this.maxNoImprovement],
    ] as const)
      if (!(Number.isInteger(v) && v >= 1)) throw new UsageError(`${name} must be an integer ≥ 1, got ${v}`);
  }

  async fit(x: Matrix): Promise<KMeansResult> {
    const t0 = performance.now();
    checkRows(x, 'mini-batch k-means');
    checkK(this.k, x.rows);
    const { rows: n, dim } = x;
    const k = this.k;
    const rnd = mulberry32(this.seed);
    const batch = Math.min(this.batchSize, n);
    // k-means++ on a random sample
    const initSize = Math.min(n, Math.max(k, this.options.initSize ?? 3 * batch));
    const sample = new Float32Array(initSize * dim);
    for (let i = 0; i < initSize; i++) {
      const r = Math.floor(rnd() * n);
      sample.set(x.data.subarray(r * dim, (r + 1) * dim), i * dim);
    }
    const seeded = await new KMeans({ k, maxIter: 1, seed: this.seed, threads: 1 }).fit({ rows: initSize, dim, data: sample });
    const mem = new KmeansMemory(batch, dim, k, 1, 1);
    const dp = mem.dp;
    const centroids = new Float64Array(k * dp);
    for (let j = 0; j < k; j++) for (let t = 0; t < dim; t++) centroids[j * dp + t] = seeded.centroids.data[j * dim + t];
    const counts = new Float64Array(k);
    const kernel = mainKernel(mem);
    const region = mem.threads[0];
    const X = mem.f32(mem.X, batch * dp);
    const steps = Math.ceil((this.maxIter * n) / batch);
    let smoothed = Infinity;
    let best = Infinity;
    let stale = 0;
    let step = 0;
    const alpha = Math.min(1, (2 * batch) / (n + 1));
    for (; step < steps; step++) {
      if (this.options.signal?.aborted) throw new AbortError('mini-batch k-means aborted');
      for (let i = 0; i < batch; i++) {
        const r = Math.floor(rnd() * n);
        for (let t = 0; t < dim; t++) X[i * dp + t] = x.data[r * dim + t];
      }
      mem.setCentroids(centroids);
      kernel.km_row_norms(mem.X, dp, 0, batch, mem.xn);
      kernel.km_nearest(
        mem.X,
        dp,
        0,
        batch,
        mem.CT,
        mem.cn,
        mem.kp,
        k,
        mem.xn,
        mem.labels,
        mem.dist2,
        region.list,
        region.d2,
        region.scratch,
      );
      const labels = mem.i32(mem.labels, batch);
      const dist = mem.f32(mem.dist2, batch);
      let inertia = 0;
      for (let i = 0; i < batch; i++) {
        inertia += dist[i];
        const j = labels[i];
        counts[j]++;
        const eta = 1 / counts[j];
        for (let t = 0; t < dim; t++) centroids[j * dp + t] += eta * (X[i * dp + t] - centroids[j * dp + t]);
      }
      inertia /= batch;
      smoothed = smoothed === Infinity ? inertia : smoothed * (1 - alpha) + inertia * alpha;
      if (smoothed < best) {
        best = smoothed;
        stale = 0;
      } else if (++stale >= this.maxNoImprovement) {
        step++;
        break;
      }
      if (step % 64 === 63) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const out = new Float32Array(k * dim);
    for (let j = 0; j < k; j++) for (let t = 0; t < dim; t++) out[j * dim + t] = centroids[j * dp + t];
    const final = assignToCentroids(x, { rows: k, dim, data: out });
    let inertia = 0;
    for (const d of final.distances) inertia += d;
    return {
      labels: final.labels,
      centroids: { rows: k, dim, data: out },
      inertia,
      iterations: step,
      seconds: (performance.now() - t0) / 1000,
    };
  }
}
