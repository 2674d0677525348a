import { instantiateKernel, kernelModule, sharedMemory, ensureMemory } from '../../kernels/wasm.js';
import {
  INDEX_STRUCT_BYTES,
  MAX_CLUSTERS,
  planData,
  planThread,
  rowBytes,
  S,
  X,
  type DataLayout,
  type Geometry,
  type ScratchSize,
  type ThreadArea,
} from './layout.js';

/** The index kernel's exports. */
export interface IndexKernel extends WebAssembly.Exports {
  hnsw_insert_list(index: number, scratch: number, slots: number, n: number, next: number): void;
  hnsw_search_batch(
    index: number,
    scratch: number,
    queries: number,
    nq: number,
    k: number,
    ef: number,
    allow: number,
    outI: number,
    outD: number,
  ): number;
  hnsw_repair(index: number, scratch: number): void;
  flat_search_batch(
    index: number,
    scratch: number,
    queries: number,
    nq: number,
    k: number,
    allow: number,
    outI: number,
    outD: number,
  ): void;
  index_encode(index: number, first: number, n: number): void;
  flat_assign(index: number, slots: number, n: number, cent: number, nlist: number, csq: number, out: number): void;
  flat_query_clusters(index: number, scratch: number, queries: number, nq: number, out: number): void;
  flat_cluster_reset(index: number): void;
  flat_cluster_rows(index: number, first: number, n: number): void;
}

/** Scalar settings written into the Index struct. */
export interface IndexParams {
  metric: number;
  quant: number;
  efConstruction: number;
}

/** Start of the data arrays: the module's static data and default shadow stack come first. */
const DATA_START = 1 << 17;

/**
 * The storage of one index: one shared WebAssembly memory holding the Index struct, the per-slot
 * arrays (vectors, links, levels, flags, codes…), and a scratch area per thread. Growing the
 * capacity moves everything into a new memory (no holes left behind); thread areas live after the
 * data and are re-planned when more threads or larger buffers are needed.
 */
export class IndexStore {
  memory: WebAssembly.Memory;
  data: DataLayout;
  threads: ThreadArea[] = [];
  threadSize: ScratchSize = { resCap: 0, chunk: 0, k: 0 };
  kernel: IndexKernel;
  private kernelStack = 0;

  constructor(
    public g: Geometry,
    readonly params: IndexParams,
  ) {
    this.data = planData(DATA_START, g);
    this.memory = sharedMemory(this.data.end);
    const x = this.struct();
    x[X.dim] = g.dim;
    x[X.stride] = g.stride;
    x[X.metric] = params.metric;
    x[X.capacity] = g.capacity;
    x[X.count] = 0;
    x[X.M] = g.M;
    x[X.M0] = g.M0;
    x[X.efConstruction] = params.efConstruction;
    x[X.entry] = -1;
    x[X.maxLevel] = 0;
    x[X.quant] = params.quant;
    x[X.codeStride] = g.codeStride;
    x[X.concurrent] = 0;
    this.writePointers();
    this.kernel = this.instantiate();
  }

  private instantiate(): IndexKernel {
    // The main thread's instance uses the default shadow stack in the reserved area.
    this.kernelStack = DATA_START;
    return instantiateKernel<IndexKernel>(kernelModule('index'), this.memory, this.kernelStack);
  }

  /** The Index struct as int32 slots. */
  struct(): Int32Array {
    return new Int32Array(this.memory.buffer, this.data.struct, INDEX_STRUCT_BYTES / 4);
  }

  private writePointers(): void {
    const x = this.struct();
    const d = this.data;
    x[X.capacity] = this.g.capacity;
    x[X.vectors] = d.vectors;
    x[X.links0] = d.links0;
    x[X.upper] = d.upper;
    x[X.levels] = d.levels;
    x[X.flags] = d.flags;
    x[X.locks] = d.locks;
    x[X.pool] = d.pool;
    x[X.codes] = d.codes;
    x[X.qOffset] = d.qOffset;
    x[X.qScale] = d.qScale;
    x[X.codeSqnorm] = d.codeSqnorm;
    x[X.codeErr] = d.codeErr;
    x[X.codeNorm] = d.codeNorm;
    x[X.restNorm] = d.restNorm;
    x[X.sqnorm] = d.sqnorm;
    x[X.cent] = d.cent;
    x[X.clStart] = d.clStart;
    x[X.clR] = d.clR;
    x[X.clMaxCe] = d.clMaxCe;
    x[X.clMinSq] = d.clMinSq;
    x[X.clNorm] = d.clNorm;
    x[X.rowE] = d.rowE;
    x[X.rowCe] = d.rowCe;
    x[X.codeSum] = d.codeSum;
  }

  get count(): number {
    return this.struct()[X.count];
  }
  set count(n: number) {
    this.struct()[X.count] = n;
  }

  f32(offset: number, n: number): Float32Array {
    return new Float32Array(this.memory.buffer, offset, n);
  }
  i32(offset: number, n: number): Int32Array {
    return new Int32Array(this.memory.buffer, offset, n);
  }
  u8(offset: number, n: number): Uint8Array {
    return new Uint8Array(this.memory.buffer, offset, n);
  }

  /** Row `slot` of the stored vectors (floats, or bytes for hamming as a Uint8Array). */
  rowBytesAt(slot: number): Uint8Array {
    const rb = rowBytes(this.g);
    return this.u8(this.data.vectors + slot * rb, rb);
  }

  /**
   * Moves the index into a memory with room for `capacity` slots and `poolCap` upper-link cells,
   * copying the used part of every array.
   */
  grow(capacity: number, poolCap: number): void {
    const old = { memory: this.memory, data: this.data, g: this.g };
    const used = this.count;
    this.g = { ...this.g, capacity: Math.max(capacity, this.g.capacity), poolCap: Math.max(poolCap, this.g.poolCap) };
    this.data = planData(DATA_START, this.g);
    this.memory = sharedMemory(this.data.end);
    const src = new Uint8Array(old.memory.buffer);
    const dst = new Uint8Array(this.memory.buffer);
    const copy = (from: number, to: number, bytes: number) => {
      if (from && to && bytes > 0) dst.set(src.subarray(from, from + bytes), to);
    };
    const g = this.g;
    copy(old.data.struct, this.data.struct, INDEX_STRUCT_BYTES);
    copy(old.data.vectors, this.data.vectors, used * rowBytes(g));
    copy(old.data.links0, this.data.links0, used * (1 + g.M0) * 4);
    copy(old.data.upper, this.data.upper, used * 4);
    copy(old.data.levels, this.data.levels, used);
    copy(old.data.flags, this.data.flags, used);
    copy(old.data.pool, this.data.pool, old.g.poolCap * 4);
    copy(old.data.codes, this.data.codes, used * g.codeStride);
    copy(old.data.codeSqnorm, this.data.codeSqnorm, used * 4);
    copy(old.data.codeErr, this.data.codeErr, used * 4);
    copy(old.data.codeNorm, this.data.codeNorm, used * 4);
    copy(old.data.restNorm, this.data.restNorm, used * 4);
    copy(old.data.rot, this.data.rot, g.dim * g.dim * 4);
    copy(old.data.cent, this.data.cent, MAX_CLUSTERS * g.stride * 4);
    copy(old.data.clStart, this.data.clStart, (MAX_CLUSTERS + 1) * 4);
    for (const a of ['clR', 'clMaxCe', 'clMinSq', 'clNorm'] as const) copy(old.data[a], this.data[a], MAX_CLUSTERS * 4);
    copy(old.data.rowE, this.data.rowE, used * 4);
    copy(old.data.rowCe, this.data.rowCe, used * 4);
    copy(old.data.codeSum, this.data.codeSum, used * 4);
    if (this.struct()[X.rot]) this.struct()[X.rot] = this.data.rot;
    copy(old.data.sqnorm, this.data.sqnorm, used * 4);
    copy(old.data.qOffset, this.data.qOffset, g.dim * 4);
    copy(old.data.qScale, this.data.qScale, g.dim * 4);
    this.writePointers();
    const x = this.struct();
    x[X.globalLock] = 0;
    x[X.concurrent] = 0;
    this.kernel = this.instantiate();
    const size = this.threadSize;
    const n = this.threads.length;
    this.threads = [];
    if (n > 0) this.ensureThreads(n, size);
  }

  /**
   * Makes sure `n` thread areas exist with at least `size` buffers (thread 0 is the main thread's).
   * Re-plans all areas when anything must grow.
   */
  ensureThreads(n: number, size: ScratchSize): void {
    const cur = this.threadSize;
    if (this.threads.length >= n && cur.resCap >= size.resCap && cur.chunk >= size.chunk && cur.k >= size.k) return;
    const want: ScratchSize = {
      resCap: Math.max(cur.resCap, size.resCap),
      chunk: Math.max(cur.chunk, size.chunk),
      k: Math.max(cur.k, size.k),
    };
    const count = Math.max(n, this.threads.length);
    // Plan once to learn the size, then grow and write the structs.
    let at = this.data.end;
    const plans: ThreadArea[] = [];
    for (let t = 0; t < count; t++) {
      const p = planThread(at, this.g, want, () => {});
      plans.push(p);
      at = p.end;
    }
    ensureMemory(this.memory, at);
    this.threads = plans.map((p) => {
      const s = new Int32Array(this.memory.buffer, p.scratch, 32);
      s.fill(0);
      return planThread(p.scratch, this.g, want, (slot, value) => {
        s[slot] = value;
      });
    });
    // visited tags start at 0 with tag 0: the first search bumps the tag to 1.
    for (const t of this.threads) {
      const s = new Int32Array(this.memory.buffer, t.scratch, 32);
      new Uint16Array(this.memory.buffer, s[S.visited], this.g.capacity).fill(0);
    }
    this.threadSize = want;
  }
}
