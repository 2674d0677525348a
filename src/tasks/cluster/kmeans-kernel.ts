import { Arena } from '../../kernels/arena.js';
import { instantiateKernel, kernelModule, sharedMemory } from '../../kernels/wasm.js';

/** The exports of src/kernels/kmeans.wasm (src/kernels/c/kmeans.c). */
export interface KmeansKernel extends WebAssembly.Exports {
  km_row_norms(X: number, d: number, begin: number, end: number, xn: number): void;
  km_step(
    X: number,
    d: number,
    begin: number,
    end: number,
    C: number,
    CT: number,
    cn: number,
    kp: number,
    k: number,
    xn: number,
    labels: number,
    upper: number,
    lower: number,
    shift: number,
    maxShift: number,
    halfSep: number,
    first: number,
    list: number,
    best: number,
    d1: number,
    d2: number,
    scratch: number,
    sums: number,
    counts: number,
    rescanned: number,
  ): number;
  km_step_elkan(
    X: number,
    d: number,
    begin: number,
    end: number,
    C: number,
    CT: number,
    cn: number,
    kp: number,
    k: number,
    xn: number,
    labels: number,
    upper: number,
    lower: number,
    shift: number,
    half: number,
    first: number,
    list: number,
    scratch: number,
    sums: number,
    counts: number,
    evaluated: number,
  ): number;
  km_nearest(
    X: number,
    d: number,
    begin: number,
    end: number,
    CT: number,
    cn: number,
    kp: number,
    k: number,
    xn: number,
    labels: number,
    dist2: number,
    list: number,
    d2: number,
    scratch: number,
  ): void;
  km_inertia(X: number, d: number, begin: number, end: number, C: number, labels: number, dist2: number): number;
  km_pp_score(
    X: number,
    d: number,
    n: number,
    begin: number,
    end: number,
    xn: number,
    PT: number,
    pn: number,
    m: number,
    closest: number,
    dist: number,
    pot: number,
  ): void;
}

/** Rows scanned per call of the kernel's inner batch (its `best/d1/d2` buffers). */
const BATCH = 256;
const STACK = 64 << 10;

/** Per-thread regions of a {@link KmeansMemory}. */
export interface ThreadRegion {
  begin: number;
  end: number;
  list: number;
  best: number;
  d1: number;
  d2: number;
  scratch: number;
  sums: number;
  counts: number;
  pot: number;
  /** One int32: rows the last step rescanned. */
  stats: number;
  stackTop: number;
}

/**
 * The shared kernel memory of one k-means fit: the rows padded to `dp` (a multiple of 4) floats,
 * their norms, labels and Hamerly bounds, the centroids (row-major and transposed to `kp` columns,
 * a multiple of 8), the k-means++ scratch, and one region per thread (its row range, sums, counts,
 * shadow stack). Offsets are bytes.
 */
export class KmeansMemory {
  readonly memory: WebAssembly.Memory;
  readonly dp: number;
  readonly kp: number;
  readonly X: number;
  readonly xn: number;
  readonly labels: number;
  readonly upper: number;
  readonly lower: number;
  readonly dist2: number;
  readonly closest: number;
  readonly C: number;
  readonly CT: number;
  readonly cn: number;
  readonly shift: number;
  readonly halfSep: number;
  /** Elkan's bounds: n × kp lower bounds and the k × kp half distances between centroids (0 when not used). */
  readonly lowerK: number;
  readonly half: number;
  readonly cand: number;
  /** The k-means++ candidates transposed (dp × 8) and their squared norms (8). */
  readonly PT: number;
  readonly pn: number;
  readonly ppDist: number;
  readonly threads: ThreadRegion[];

  constructor(
    readonly n: number,
    readonly dim: number,
    readonly k: number,
    threads: number,
    /** Candidates scored per k-means++ step (≤ 8, the kernel's block). */
    readonly trials: number,
    /** Lay out Elkan's n × k lower bounds. */
    readonly elkan = false,
  ) {
    if (trials > 8) throw new RangeError('at most 8 k-means++ candidates per step');
    this.dp = Math.ceil(dim / 4) * 4;
    this.kp = Math.ceil(k / 8) * 8;
    const a = new Arena(1024);
    const f = 4;
    this.X = a.alloc(n * this.dp * f);
    this.xn = a.alloc(n * f);
    this.labels = a.alloc(n * f);
    this.upper = a.alloc(n * f);
    this.lower = a.alloc(n * f);
    this.dist2 = a.alloc(n * f);
    this.closest = a.alloc(n * f);
    this.C = a.alloc(k * this.dp * f);
    this.CT = a.alloc(this.dp * this.kp * f);
    this.cn = a.alloc(this.kp * f);
    this.shift = a.alloc(this.kp * f);
    this.halfSep = a.alloc(k * f);
    this.lowerK = elkan ? a.alloc(n * this.kp * f) : 0;
    this.half = elkan ? a.alloc(k * this.kp * f) : 0;
    this.cand = a.alloc(trials * f);
    this.PT = a.alloc(this.dp * 8 * f);
    this.pn = a.alloc(8 * f);
    this.ppDist = a.alloc(trials * n * f);
    this.threads = [];
    const per = Math.ceil(n / threads);
    for (let t = 0; t < threads; t++) {
      const begin = Math.min(n, t * per);
      const end = Math.min(n, begin + per);
      const stackBase = a.alloc(STACK, 16);
      this.threads.push({
        begin,
        end,
        list: a.alloc(Math.max(BATCH, end - begin, this.kp) * f),
        best: a.alloc(Math.max(BATCH, end - begin) * f),
        d1: a.alloc(BATCH * f),
        d2: a.alloc(Math.max(BATCH, end - begin) * f),
        scratch: a.alloc(4 * this.kp * f),
        sums: a.alloc(k * this.dp * 8),
        counts: a.alloc(k * f),
        pot: a.alloc(trials * 8),
        stats: a.alloc(16),
        stackTop: stackBase + STACK,
      });
    }
    this.memory = sharedMemory(a.end);
  }

  f32(at: number, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, at, length);
  }
  i32(at: number, length: number): Int32Array {
    return new Int32Array(this.memory.buffer, at, length);
  }
  f64(at: number, length: number): Float64Array {
    return new Float64Array(this.memory.buffer, at, length);
  }

  /** Copies row-major `data` (n × dim) into the padded row matrix. */
  setRows(data: Float32Array): void {
    const X = this.f32(this.X, this.n * this.dp);
    if (this.dp === this.dim) X.set(data.subarray(0, this.n * this.dim));
    else for (let i = 0; i < this.n; i++) X.set(data.subarray(i * this.dim, (i + 1) * this.dim), i * this.dp);
  }

  /** Writes the k-means++ candidates (row numbers) transposed into PT, with their norms. */
  setCandidates(rows: ArrayLike<number>): void {
    const { dp } = this;
    const X = this.f32(this.X, this.n * dp);
    const PT = this.f32(this.PT, dp * 8);
    const pn = this.f32(this.pn, 8);
    const xn = this.f32(this.xn, this.n);
    PT.fill(0);
    pn.fill(0);
    for (let c = 0; c < rows.length; c++) {
      for (let t = 0; t < dp; t++) PT[t * 8 + c] = X[rows[c] * dp + t];
      pn[c] = xn[rows[c]];
    }
  }

  /** Writes the centroids (k × dp, float64) in both layouts and their squared norms. */
  setCentroids(c: Float64Array): void {
    const { k, dp, kp } = this;
    const C = this.f32(this.C, k * dp);
    const CT = this.f32(this.CT, dp * kp);
    const cn = this.f32(this.cn, kp);
    CT.fill(0);
    cn.fill(1e30);
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let t = 0; t < dp; t++) {
        const v = Math.fround(c[j * dp + t]);
        C[j * dp + t] = v;
        CT[t * kp + j] = v;
        s += v * v;
      }
      cn[j] = s;
    }
  }
}

/** A kernel instance on the main thread (its shadow stack is the first thread region's). */
export function mainKernel(mem: KmeansMemory): KmeansKernel {
  return instantiateKernel<KmeansKernel>(kernelModule('kmeans'), mem.memory, mem.threads[0].stackTop);
}
