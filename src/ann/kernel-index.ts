import { availableParallelism } from 'node:os';
import { FileFormatError, UsageError } from '../errors.js';
import {
  sectionAs,
  writeContainer,
  writeContainerSync,
  type Container,
  type ContainerInput,
  type ContainerSectionInput,
} from '../io/container/index.js';
import { ensureMemory } from '../kernels/wasm.js';
import { mulberry32 } from '../math/random.js';
import { buildAllowBitmap, type AllowBitmap } from './filter.js';
import { checkId, IdMap } from './ids.js';
import { FLAG_DELETED, FLAG_FREE, METRIC_CODE, QUANT_CODE, rowBytes, S, X, type Geometry } from './kernel/layout.js';
import { runOnThreads } from './kernel/run-threads.js';
import { IndexStore } from './kernel/store.js';
import { fitBinary, fitInt8 } from './quantizer.js';
import type { Id, Metadata, Metric, SearchFilter, SearchHit, IndexSearchOptions, VectorInput } from './types.js';
import { toRows } from './vectors-input.js';
import { symmetricEigen } from '../math/eigen.js';
import type { SavedIndexMeta } from './persistence.js';

/**
 * Bytes per code row: a multiple of 16 (the SIMD width); rows of 64 bytes or more are padded to
 * whole cache lines so that no code straddles one line more than it needs (100-d: 112 → 128).
 */
function codeRowBytes(n: number): number {
  return n >= 64 ? Math.ceil(n / 64) * 64 : Math.ceil(n / 16) * 16;
}

/** Options shared by every index type. */
export interface IndexOptions {
  metric: Metric;
  /** Dimensions (bits for hamming). */
  dim: number;
  /** Traversal codes: 'int8' scalar quantization or 'binary' sign bits; results are re-ranked by exact distance. Default 'none'. */
  quantize?: 'none' | 'int8' | 'binary';
  /** int8: one range per dimension (default) or one for all. */
  int8Range?: 'per-dimension' | 'global';
  /** Worker threads for large builds and batches. Default: available cores. */
  threads?: number;
  /** Initial capacity in vectors (grows by doubling). */
  capacity?: number;
}

/** Options of an HNSW index (Malkov & Yashunin 2018). */
export interface HnswOptions extends IndexOptions {
  /** Links per node on upper levels (level 0 has 2·M). Default 16. */
  m?: number;
  /** Candidate list size while building. Default 200. */
  efConstruction?: number;
  /** Default candidate list size for searches. Default 50. */
  efSearch?: number;
  /** Seed of the level generator. Default 100 (hnswlib's). */
  seed?: number;
}

/** Adds smaller than this run on the calling thread; larger ones on worker threads. */
const PARALLEL_INSERTS = 2000;
/** Query batches smaller than this run on the calling thread. */
const PARALLEL_QUERIES = 256;
const CHUNK = 64;
/** Vectors needed before the int8/binary quantizer is fitted (see encode). */
export const MIN_FIT_ROWS = 1000;
const MAX_LEVEL = 30;
/** Energy share of the first screening stage of a rotated flat index (see fitRotation). */
const ENERGY = 0.9;

/** Calls `fn(first, count)` for each run of consecutive numbers in `slots` (in increasing order). */
export function forEachRun(slots: Int32Array, fn: (first: number, count: number) => void): void {
  const sorted = Int32Array.from(slots).sort();
  for (let i = 0; i < sorted.length;) {
    let j = i + 1;
    while (j < sorted.length && sorted[j] === sorted[j - 1] + 1) j++;
    fn(sorted[i], j - i);
    i = j;
  }
}

/** A copy of caller-owned vector input (typed arrays and row arrays), for an operation that runs later. */
function snapshotVectors<T extends VectorInput | Uint8Array>(v: T): T {
  if (v instanceof Float32Array || v instanceof Uint8Array) return v.slice() as T;
  if (Array.isArray(v)) return v.map((row: number | readonly number[]) => (Array.isArray(row) ? row.slice() : row)) as unknown as T;
  const m = v as { data: Float32Array; rows: number; dim: number };
  return { data: m.data.slice(), rows: m.rows, dim: m.dim } as T;
}

/** Rows of `bytes` (each `rb` bytes) in the order `order`. */
function permuteRows(bytes: Uint8Array, order: Int32Array, rb: number): Uint8Array {
  const out = new Uint8Array(order.length * rb);
  for (let i = 0; i < order.length; i++) out.set(bytes.subarray(order[i] * rb, (order[i] + 1) * rb), i * rb);
  return out;
}

/** Undoes {@link permuteRows} on result rows of `k` values. */
function unpermuteRows<T extends Int32Array | Float32Array>(rows: T, order: Int32Array, k: number): T {
  const out = new (rows.constructor as { new (n: number): T })(rows.length);
  for (let i = 0; i < order.length; i++) out.set(rows.subarray(i * k, (i + 1) * k), order[i] * k);
  return out;
}

/**
 * Shared machinery of the flat and HNSW indexes: ids, metadata, vector storage in kernel memory,
 * quantization, filters, and the search plumbing. Subclasses choose how vectors are inserted.
 */
export abstract class KernelIndex {
  abstract readonly type: 'flat' | 'hnsw';
  readonly metric: Metric;
  readonly dim: number;
  readonly quantize: 'none' | 'int8' | 'binary';
  readonly int8Range: 'per-dimension' | 'global';
  readonly threads: number;
  protected store: IndexStore;
  protected readonly ids = new IdMap();
  protected metadata: (Metadata | undefined)[] = [];
  protected pendingDeletes: number[] = [];
  protected quantizerFitted = false;
  private busy = false;
  /** Asynchronous operations started and not finished, and the promise of the last (see exclusive). */
  private queued = 0;
  private queueTail: Promise<void> = Promise.resolve();

  protected constructor(o: IndexOptions, m: number, efConstruction: number) {
    if (!['cosine', 'l2', 'ip', 'hamming'].includes(o.metric))
      throw new UsageError(`metric must be cosine, l2, ip or hamming, got '${o.metric}'`);
    if (!Number.isInteger(o.dim) || o.dim < 1 || o.dim > 65536) throw new UsageError(`dim must be an integer in 1..65536, got ${o.dim}`);
    const quantize = o.quantize ?? 'none';
    if (!['none', 'int8', 'binary'].includes(quantize)) throw new UsageError(`quantize must be none, int8 or binary, got '${quantize}'`);
    if (o.metric === 'hamming' && quantize !== 'none') throw new UsageError('hamming vectors are already bits: quantize must be none');
    this.metric = o.metric;
    this.dim = o.dim;
    this.quantize = quantize;
    this.int8Range = o.int8Range ?? 'per-dimension';
    this.threads = Math.max(1, Math.floor(o.threads ?? availableParallelism()));
    const hamming = o.metric === 'hamming';
    const bytes = Math.ceil(o.dim / 8);
    const codeStride = quantize === 'int8' ? codeRowBytes(o.dim) : quantize === 'binary' ? codeRowBytes(bytes) : 0;
    const g: Geometry = {
      dim: o.dim,
      stride: hamming ? Math.ceil(bytes / 16) * 16 : Math.ceil(o.dim / 4) * 4,
      hamming,
      M: m,
      M0: 2 * m,
      capacity: Math.max(16, Math.floor(o.capacity ?? 1024)),
      poolCap: 1024,
      codeStride,
      keepVectors: true,
      rotation: this.usesRotation(o, codeStride),
      lanes: this.searchLanes(),
    };
    this.store = new IndexStore(g, { metric: METRIC_CODE[o.metric], quant: QUANT_CODE[quantize], efConstruction });
  }

  /** Queries of a batch that one thread searches at once (HNSW: interleaved; 0 = one by one). */
  protected searchLanes(): number {
    return 0;
  }

  /** Whether int8 codes are taken in a principal-axes basis (flat two-stage screening). */
  protected usesRotation(_o: IndexOptions, _codeStride: number): boolean {
    return false;
  }

  /** Whether a loaded index refits its quantizer from the vectors instead of reading it. */
  protected refitOnLoad(): boolean {
    return false;
  }

  /** Number of vectors in the index. */
  get size(): number {
    return this.ids.size;
  }

  has(id: Id): boolean {
    return this.ids.slotOf(id) >= 0;
  }

  /** The stored vector (unit-normalised for cosine; packed bits for hamming) and metadata of `id`. */
  get(id: Id): { vector: Float32Array | Uint8Array; metadata?: Metadata } | undefined {
    const slot = this.ids.slotOf(id);
    if (slot < 0) return undefined;
    const bytes = this.store.rowBytesAt(slot);
    const vector =
      this.metric === 'hamming' ? bytes.slice(0, Math.ceil(this.dim / 8)) : new Float32Array(bytes.slice().buffer, 0, this.dim);
    const meta = this.metadata[slot];
    return meta === undefined ? { vector } : { vector, metadata: meta };
  }

  /**
   * Adds vectors under the given ids (an existing id is updated: its old vector is removed).
   * Large batches are built on worker threads; the event loop stays free.
   */
  async add(
    ids: Id | readonly Id[],
    vectors: VectorInput | Uint8Array,
    metadata?: Metadata | readonly (Metadata | undefined)[],
  ): Promise<void> {
    if (this.queued > 0) {
      // it will run later: copy what the caller may change meanwhile
      ids = Array.isArray(ids) ? ids.slice() : ids;
      vectors = snapshotVectors(vectors);
      metadata = Array.isArray(metadata) ? metadata.slice() : metadata;
    }
    return this.exclusive(async () => {
      const slots = this.prepareAdd(ids, vectors, metadata);
      if (slots.length === 0) return;
      await this.insertSlots(slots, slots.length >= PARALLEL_INSERTS && this.threads > 1);
    });
  }

  /**
   * Runs the asynchronous operations of this index (add, searchBatch, save) one at a time, in call
   * order: they share the worker threads' scratch areas. When nothing else is running, `fn` starts
   * at once (synchronously), as a plain call would.
   */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queued > 0 ? this.queueTail.then(fn) : fn();
    this.queued++;
    const done = run.finally(() => {
      this.queued--;
    });
    this.queueTail = done.then(
      () => undefined,
      () => undefined,
    );
    return done;
  }

  /** {@link add} on the calling thread (for small batches or scripts). */
  addSync(ids: Id | readonly Id[], vectors: VectorInput | Uint8Array, metadata?: Metadata | readonly (Metadata | undefined)[]): void {
    const slots = this.prepareAdd(ids, vectors, metadata);
    if (slots.length > 0) void this.insertSlots(slots, false);
  }

  /** Removes `id`; returns whether it was present. Its slot is reused after the graph is repaired. */
  remove(id: Id): boolean {
    this.assertIdle();
    const slot = this.ids.delete(id);
    if (slot < 0) return false;
    this.flags()[slot] |= FLAG_DELETED;
    this.metadata[slot] = undefined;
    this.pendingDeletes.push(slot);
    return true;
  }

  /** Repairs the graph around removed vectors now and makes their slots reusable. */
  compact(): void {
    this.assertIdle();
    this.releasePending();
  }

  /** Repairs around the pending deletions and frees their slots (the caller checked the index is idle or owns it). */
  protected releasePending(): void {
    if (this.pendingDeletes.length === 0) return;
    this.repair();
    this.ids.release(this.pendingDeletes);
    this.pendingDeletes = [];
  }

  /** Graph repair after deletions (HNSW); the flat index only frees the slots. */
  protected abstract repair(): void;

  /** Inserts already-stored slots into the search structure. */
  protected abstract insertSlots(slots: Int32Array, parallel: boolean): Promise<void>;

  /** k nearest neighbours of one query. */
  search(query: VectorInput | Uint8Array, k: number, options: IndexSearchOptions = {}): SearchHit[] {
    return this.searchBatchSync(query, k, options)[0];
  }

  /** k nearest neighbours of each query row, on the calling thread. */
  searchBatchSync(queries: VectorInput | Uint8Array, k: number, options: IndexSearchOptions = {}): SearchHit[][] {
    const q = this.prepareQueries(queries, k, options);
    const outI = new Int32Array(q.nq * k);
    const outD = new Float32Array(q.nq * k);
    const st = this.store;
    const area = st.threads[0];
    const rb = rowBytes(st.g);
    const order = this.queryOrder(q.bytes, q.nq);
    if (order) q.bytes = permuteRows(q.bytes, order, rb);
    for (let q0 = 0; q0 < q.nq; q0 += CHUNK) {
      const n = Math.min(CHUNK, q.nq - q0);
      st.u8(area.queries, n * rb).set(q.bytes.subarray(q0 * rb, (q0 + n) * rb));
      st.i32(area.scratch, 32)[S.rerank] = q.rerank ? 1 : 0;
      this.runSearch(q.exact, area.scratch, area.queries, n, k, q.ef, q.allowPtr, area.outI, area.outD);
      outI.set(st.i32(area.outI, n * k), q0 * k);
      outD.set(st.f32(area.outD, n * k), q0 * k);
    }
    if (order) return this.toHits(unpermuteRows(outI, order, k), unpermuteRows(outD, order, k), q.nq, k, options.withMetadata ?? true);
    return this.toHits(outI, outD, q.nq, k, options.withMetadata ?? true);
  }

  /** k nearest neighbours of each query row; large batches run on worker threads. */
  async searchBatch(queries: VectorInput | Uint8Array, k: number, options: IndexSearchOptions = {}): Promise<SearchHit[][]> {
    if (this.queued > 0) queries = snapshotVectors(queries); // it will run later (see exclusive)
    return this.exclusive(() => this.searchBatchNow(queries, k, options));
  }

  private async searchBatchNow(queries: VectorInput | Uint8Array, k: number, options: IndexSearchOptions): Promise<SearchHit[][]> {
    const q = this.prepareQueries(queries, k, options);
    if (q.nq < PARALLEL_QUERIES || this.threads < 2) return this.searchBatchSync(queries, k, options);
    const rb = rowBytes(this.store.g);
    const order = this.queryOrder(q.bytes, q.nq);
    if (order) q.bytes = permuteRows(q.bytes, order, rb);
    const sharedQ = new SharedArrayBuffer(q.nq * rb);
    new Uint8Array(sharedQ).set(q.bytes.subarray(0, q.nq * rb));
    const outI = new SharedArrayBuffer(q.nq * k * 4);
    const outD = new SharedArrayBuffer(q.nq * k * 4);
    this.store.ensureThreads(this.threads + 1, this.threadSize(k, q.ef));
    this.busy = true;
    try {
      await runOnThreads(this.store, this.threads, {
        op: q.exact ? 'flat' : 'search',
        queries: sharedQ,
        rowBytes: rb,
        outI,
        outD,
        k,
        ef: q.ef,
        allow: q.allowPtr,
        counter: new SharedArrayBuffer(4),
        rerank: q.rerank,
        nq: q.nq,
        chunk: CHUNK,
      });
    } finally {
      this.busy = false;
    }
    if (order)
      return this.toHits(
        unpermuteRows(new Int32Array(outI), order, k),
        unpermuteRows(new Float32Array(outD), order, k),
        q.nq,
        k,
        options.withMetadata ?? true,
      );
    return this.toHits(new Int32Array(outI), new Float32Array(outD), q.nq, k, options.withMetadata ?? true);
  }

  /**
   * An order in which to run a batch of queries (a permutation of 0..nq-1), or undefined for the
   * given order. The flat index groups queries that want the same clusters.
   */
  protected queryOrder(_bytes: Uint8Array, _nq: number): Int32Array | undefined {
    return undefined;
  }

  /**
   * Renumbers the slots: the row in old slot `order[t]` moves to slot t (`newSlot` is the inverse).
   * Moves everything stored per slot (vectors, codes and their norms, flags, ids, metadata);
   * subclasses move their own structures.
   */
  protected permuteSlots(newSlot: Int32Array, order: Int32Array): void {
    const st = this.store;
    const n = st.count;
    const g = st.g;
    // in place, cycle by cycle (new[t] = old[order[t]]): a copy of the vectors would double the
    // peak memory of a large index
    const seen = new Uint8Array(n);
    const move = <T extends Int32Array | Float32Array | Uint8Array>(view: T, per: number) => {
      seen.fill(0);
      const tmp = view.slice(0, per) as T;
      for (let start = 0; start < n; start++) {
        if (seen[start] || order[start] === start) continue;
        tmp.set(view.subarray(start * per, (start + 1) * per));
        let t = start;
        for (;;) {
          seen[t] = 1;
          const from = order[t];
          if (from === start) {
            view.set(tmp, t * per);
            break;
          }
          view.copyWithin(t * per, from * per, (from + 1) * per);
          t = from;
        }
      }
    };
    move(st.u8(st.data.vectors, n * rowBytes(g)), rowBytes(g));
    if (g.codeStride > 0) {
      move(st.u8(st.data.codes, n * g.codeStride), g.codeStride);
      move(st.f32(st.data.codeSqnorm, n), 1);
      move(st.f32(st.data.codeErr, n), 1);
      move(st.f32(st.data.codeNorm, n), 1);
      move(st.i32(st.data.codeSum, n), 1);
    }
    if (st.data.restNorm) move(st.f32(st.data.restNorm, n), 1);
    move(st.f32(st.data.sqnorm, n), 1);
    move(st.u8(st.data.levels, n), 1);
    move(st.u8(st.data.flags, n), 1);
    move(st.i32(st.data.upper, n), 1);
    move(st.i32(st.data.links0, n * (1 + g.M0)), 1 + g.M0);
    this.ids.permute(newSlot);
    const meta = this.metadata;
    this.metadata = [];
    for (let s = 0; s < meta.length; s++) if (meta[s] !== undefined) this.metadata[newSlot[s]] = meta[s];
  }

  /** Runs one chunk of queries through the kernel (exact = brute force over the allowed rows). */
  protected abstract runSearch(
    exact: boolean,
    scratch: number,
    queries: number,
    n: number,
    k: number,
    ef: number,
    allow: number,
    outI: number,
    outD: number,
  ): void;

  /** Default ef of searches. */
  protected abstract defaultEf(): number;

  // ------------------------------------------------------------------------------- persistence
  /**
   * Writes the index to one file, atomically (temp file + fsync + rename: a crash during the save
   * leaves the previous file intact). Pending deletions are compacted first. Traversal codes and
   * norms are not stored: they are recomputed from the vectors on load.
   */
  async save(path: string): Promise<void> {
    return this.exclusive(async () => {
      this.compact();
      await writeContainer(path, this.toContainer());
    });
  }

  /** Synchronous {@link save}. */
  saveSync(path: string): void {
    this.compact();
    writeContainerSync(path, this.toContainer());
  }

  private toContainer(): ContainerInput {
    const st = this.store;
    const count = st.count;
    const idsBySlot: (Id | null)[] = [];
    let allNumbers = true;
    for (let s = 0; s < count; s++) {
      const id = this.ids.idAt(s);
      idsBySlot.push(id ?? null);
      if (id !== undefined && typeof id !== 'number') allNumbers = false;
    }
    const sections: ContainerSectionInput[] = [
      { name: 'vectors', data: st.u8(st.data.vectors, count * rowBytes(st.g)) },
      { name: 'flags', data: st.u8(st.data.flags, count) },
      allNumbers
        ? { name: 'ids', data: Float64Array.from(idsBySlot, (v) => (v === null ? NaN : (v as number))) }
        : { name: 'ids', data: new TextEncoder().encode(JSON.stringify(idsBySlot)) },
    ];
    const metas = Array.from({ length: count }, (_, i) => this.metadata[i] ?? null);
    const hasMetadata = metas.some((m) => m !== null);
    if (hasMetadata) sections.push({ name: 'metadata', data: new TextEncoder().encode(JSON.stringify(metas)) });
    if (this.quantize !== 'none') {
      sections.push(
        { name: 'q_offset', data: st.f32(st.data.qOffset, this.dim) },
        { name: 'q_scale', data: st.f32(st.data.qScale, this.dim) },
      );
    }
    sections.push(...this.graphSections());
    const meta: SavedIndexMeta = {
      type: this.type,
      metric: this.metric,
      dim: this.dim,
      quantize: this.quantize,
      int8Range: this.int8Range,
      count,
      size: this.size,
      quantizerFitted: this.quantizerFitted,
      idKind: allNumbers ? 'number' : 'json',
      hasMetadata,
      ...this.graphMeta(),
    };
    return { kind: this.type, kindVersion: 1, meta: meta as unknown as Record<string, unknown>, sections };
  }

  /** Sections of the search structure (HNSW graph). */
  protected graphSections(): ContainerSectionInput[] {
    return [];
  }

  /** Settings of the search structure, stored in the metadata. */
  protected graphMeta(): Partial<SavedIndexMeta> {
    return {};
  }

  /** Loads the state of a saved index (called by loadIndex on a fresh index). @internal */
  restore(c: Container, m: SavedIndexMeta): void {
    const st = this.store;
    const fail = (problem: string) => new FileFormatError(c.file, problem);
    const count = m.count;
    // Grow once, before anything is written (growing copies only the slots in use).
    if (count > st.g.capacity || (m.poolUsed ?? 0) > st.g.poolCap)
      st.grow(Math.max(count, st.g.capacity), Math.max(m.poolUsed ?? 0, st.g.poolCap));
    const rb = rowBytes(st.g);
    const section = <T extends { length: number }>(name: string, type: Parameters<typeof sectionAs<T>>[2], length: number): T => {
      const a = sectionAs(c, name, type);
      if (a.length !== length) throw fail(`section '${name}' has ${a.length} elements, expected ${length}`);
      return a;
    };
    const vectors = section<Uint8Array>('vectors', Uint8Array, count * rb);
    const flags = section<Uint8Array>('flags', Uint8Array, count);
    for (let i = 0; i < count; i++)
      if (flags[i] !== 0 && flags[i] !== FLAG_FREE) throw fail(`section 'flags': slot ${i} has flag ${flags[i]}`);
    // ids
    let idsBySlot: (Id | null)[];
    if (m.idKind === 'number')
      idsBySlot = Array.from(section<Float64Array>('ids', Float64Array, count), (v) => (Number.isNaN(v) ? null : v));
    else {
      try {
        idsBySlot = JSON.parse(new TextDecoder().decode(c.sections.get('ids') ?? new Uint8Array())) as (Id | null)[];
      } catch (e) {
        throw fail(`section 'ids' is not valid JSON (${(e as Error).message})`);
      }
      if (!Array.isArray(idsBySlot) || idsBySlot.length !== count) throw fail(`section 'ids' does not hold ${count} ids`);
    }
    let metas: (Metadata | null)[] = [];
    if (m.hasMetadata) {
      try {
        metas = JSON.parse(new TextDecoder().decode(c.sections.get('metadata') ?? new Uint8Array())) as (Metadata | null)[];
      } catch (e) {
        throw fail(`section 'metadata' is not valid JSON (${(e as Error).message})`);
      }
      if (!Array.isArray(metas) || metas.length !== count) throw fail(`section 'metadata' does not hold ${count} entries`);
    }
    st.u8(st.data.vectors, count * rb).set(vectors);
    st.u8(st.data.flags, count).set(flags);
    const free: number[] = [];
    for (let slot = 0; slot < count; slot++) {
      const id = idsBySlot[slot];
      if (flags[slot] === FLAG_FREE) {
        if (id !== null) throw fail(`slot ${slot} is free but has id ${JSON.stringify(id)}`);
        free.push(slot);
        continue;
      }
      if (id === null || (typeof id !== 'string' && !(typeof id === 'number' && Number.isFinite(id))))
        throw fail(`slot ${slot} has no valid id`);
      if (this.ids.slotOf(id) >= 0) throw fail(`id ${JSON.stringify(id)} appears twice`);
      this.ids.set(id, slot);
      const meta = metas[slot];
      if (meta !== undefined && meta !== null) this.metadata[slot] = meta;
    }
    this.ids.release(free);
    if (this.ids.size !== m.size) throw fail(`holds ${this.ids.size} vectors, the header says ${m.size}`);
    if (this.quantize !== 'none' && !this.refitOnLoad()) {
      st.f32(st.data.qOffset, this.dim).set(section<Float32Array>('q_offset', Float32Array, this.dim));
      st.f32(st.data.qScale, this.dim).set(section<Float32Array>('q_scale', Float32Array, this.dim));
      this.quantizerFitted = m.quantizerFitted;
    }
    st.count = count;
    if (count > 0) this.encode(new Int32Array(0)); // fits the quantizer first if it is not loaded
    this.restoreGraph(c, m, fail);
  }

  /** Restores the search structure's sections (HNSW graph, flat clusters), once vectors, norms and codes are in place. */
  protected restoreGraph(_c: Container, _m: SavedIndexMeta, _fail: (problem: string) => Error): void {}

  // ----------------------------------------------------------------------------------- helpers
  protected flags(): Uint8Array {
    return this.store.u8(this.store.data.flags, this.store.g.capacity);
  }

  protected assertIdle(): void {
    if (this.busy) throw new UsageError('the index is busy with an asynchronous add or search; await it first');
  }

  protected threadSize(k: number, ef: number) {
    return { resCap: Math.max(64, ef, 8 * (k + 1), this.efConstructionValue()), chunk: CHUNK, k: Math.max(k, 16) };
  }

  protected efConstructionValue(): number {
    return this.store.struct()[X.efConstruction];
  }

  private prepareQueries(queries: VectorInput | Uint8Array, k: number, options: IndexSearchOptions) {
    if (!Number.isInteger(k) || k < 1) throw new UsageError(`k must be a positive integer, got ${k}`);
    const ef = Math.max(k, options.ef ?? this.defaultEf());
    if (!Number.isInteger(ef) || ef > 100000) throw new UsageError(`ef must be an integer <= 100000, got ${options.ef}`);
    const bytes = this.rowsToBytes(queries, 'query');
    const nq = bytes.length / rowBytes(this.store.g);
    this.store.ensureThreads(1, this.threadSize(k, ef));
    let allowPtr = 0;
    let exact = this.type === 'flat';
    if (options.filter !== undefined) {
      const bitmap = this.allowBitmap(options.filter);
      allowPtr = this.store.data.allow;
      // A very selective filter leaves too few reachable results in the graph: search the allowed
      // vectors exactly instead (cheap, since they are few).
      if (!exact && bitmap.count <= Math.max(ef * 8, this.size / 50)) exact = true;
    }
    return { bytes, nq, ef, allowPtr, exact, rerank: options.rerank ?? true };
  }

  private allowBitmap(filter: SearchFilter): AllowBitmap {
    const st = this.store;
    const bits = st.u8(st.data.allow, Math.ceil(st.g.capacity / 8));
    return buildAllowBitmap(
      filter,
      bits,
      st.count,
      (slot) => this.ids.idAt(slot),
      (slot) => this.metadata[slot],
      (id) => this.ids.slotOf(id),
    );
  }

  private toHits(outI: Int32Array, outD: Float32Array, nq: number, k: number, withMetadata: boolean): SearchHit[][] {
    const res: SearchHit[][] = [];
    for (let q = 0; q < nq; q++) {
      const hits: SearchHit[] = [];
      for (let j = 0; j < k; j++) {
        const slot = outI[q * k + j];
        if (slot < 0) break;
        const id = this.ids.idAt(slot);
        if (id === undefined) continue;
        const hit: SearchHit = { id, distance: outD[q * k + j] };
        const meta = this.metadata[slot];
        if (withMetadata && meta !== undefined) hit.metadata = meta;
        hits.push(hit);
      }
      res.push(hits);
    }
    return res;
  }

  /** Converts vector input to stored-row bytes (normalised for cosine, padded to the stride). */
  private rowsToBytes(input: VectorInput | Uint8Array, what: string): Uint8Array {
    const g = this.store.g;
    if (g.hamming) {
      if (!(input instanceof Uint8Array))
        throw new UsageError(`${what}: hamming vectors are packed bits in a Uint8Array (${Math.ceil(this.dim / 8)} bytes per vector)`);
      const per = Math.ceil(this.dim / 8);
      if (input.length === 0 || input.length % per !== 0)
        throw new UsageError(`${what}: ${input.length} bytes is not a whole number of ${per}-byte bit vectors`);
      const n = input.length / per;
      const out = new Uint8Array(n * g.stride);
      for (let r = 0; r < n; r++) out.set(input.subarray(r * per, (r + 1) * per), r * g.stride);
      return out;
    }
    if (input instanceof Uint8Array) throw new UsageError(`${what}: expected float vectors, got a Uint8Array`);
    const rows = toRows(input, this.dim, what);
    const out = new Float32Array(rows.rows * g.stride);
    for (let r = 0; r < rows.rows; r++) {
      const src = rows.data.subarray(r * this.dim, (r + 1) * this.dim);
      let scale = 1;
      if (this.metric === 'cosine') {
        let n2 = 0;
        for (let d = 0; d < this.dim; d++) n2 += src[d] * src[d];
        scale = n2 > 0 ? 1 / Math.sqrt(n2) : 1;
      }
      for (let d = 0; d < this.dim; d++) out[r * g.stride + d] = src[d] * scale;
    }
    return new Uint8Array(out.buffer);
  }

  /** Validates an add, assigns slots, stores vectors, levels and codes. Returns the slots to insert. */
  private prepareAdd(
    idsIn: Id | readonly Id[],
    vectors: VectorInput | Uint8Array,
    metaIn?: Metadata | readonly (Metadata | undefined)[],
  ): Int32Array {
    this.assertIdle();
    const idList = (Array.isArray(idsIn) ? idsIn : [idsIn]) as readonly Id[];
    const rows = this.inputRows(vectors, 'add');
    const n = rows.n;
    if (idList.length !== n) throw new UsageError(`add: ${idList.length} ids for ${n} vectors`);
    let metas: readonly (Metadata | undefined)[] | undefined;
    if (metaIn !== undefined) {
      metas = Array.isArray(metaIn) ? (metaIn as readonly (Metadata | undefined)[]) : n === 1 ? [metaIn as Metadata] : undefined;
      if (!metas || metas.length !== n) throw new UsageError(`add: metadata must be one object per vector (${n})`);
    }
    const seen = new Set<Id>();
    idList.forEach((id, i) => {
      checkId(id, `add: id ${i}`);
      if (seen.has(id)) throw new UsageError(`add: id ${JSON.stringify(id)} appears twice in one call`);
      seen.add(id);
    });
    // Updates: the old vector goes away first.
    for (const id of idList) if (this.has(id)) this.remove(id);
    if (this.pendingDeletes.length > 0) this.compact();
    const slots = new Int32Array(n);
    let next = this.store.count;
    for (let i = 0; i < n; i++) {
      const s = this.ids.takeFree();
      slots[i] = s >= 0 ? s : next++;
    }
    this.reserve(next, slots);
    const st = this.store;
    const flags = this.flags();
    // rows go straight into the kernel memory (normalised / padded on the way): no staging copy
    for (let i = 0; i < n; i++) {
      const s = slots[i];
      rows.write(i, st.data.vectors + s * rowBytes(st.g));
      flags[s] = 0;
      this.ids.set(idList[i], s);
      this.metadata[s] = metas?.[i];
    }
    st.count = Math.max(st.count, next);
    this.encode(slots);
    return slots;
  }

  /** Validated input rows and a writer of row i into kernel memory at a byte offset. */
  private inputRows(input: VectorInput | Uint8Array, what: string): { n: number; write: (i: number, at: number) => void } {
    const g = this.store.g;
    if (g.hamming) {
      const bytes = this.rowsToBytes(input, what);
      const rb = rowBytes(g);
      return { n: bytes.length / rb, write: (i, at) => this.store.u8(at, rb).set(bytes.subarray(i * rb, (i + 1) * rb)) };
    }
    if (input instanceof Uint8Array) throw new UsageError(`${what}: expected float vectors, got a Uint8Array`);
    const rows = toRows(input, this.dim, what);
    const dim = this.dim;
    const cosine = this.metric === 'cosine';
    return {
      n: rows.rows,
      write: (i, at) => {
        const src = rows.data.subarray(i * dim, (i + 1) * dim);
        const dst = this.store.f32(at, g.stride);
        let scale = 1;
        if (cosine) {
          let n2 = 0;
          for (let d = 0; d < dim; d++) n2 += src[d] * src[d];
          scale = n2 > 0 ? 1 / Math.sqrt(n2) : 1;
        }
        for (let d = 0; d < dim; d++) dst[d] = src[d] * scale;
        for (let d = dim; d < g.stride; d++) dst[d] = 0;
      },
    };
  }

  /** Grows storage for `count` slots (and any per-slot structures of the subclass). */
  protected reserve(count: number, _slots: Int32Array): void {
    const g = this.store.g;
    if (count > g.capacity) this.store.grow(Math.max(count, g.capacity * 2), g.poolCap);
  }

  /**
   * Fits the quantizer once the index holds MIN_FIT_ROWS vectors (all of them then), then encodes
   * codes and norms of `slots`. Until then the kernel runs unquantized (exact float traversal):
   * ranges fitted on a handful of vectors would clip most later ones, and an int8 build selects
   * neighbours on the codes.
   */
  private encode(slots: Int32Array): void {
    const st = this.store;
    const g = st.g;
    if (this.quantize !== 'none' && !this.quantizerFitted) {
      const data = st.f32(st.data.vectors, st.count * g.stride);
      const live = this.flags();
      const rows: number[] = [];
      for (let s = 0; s < st.count; s++) if (!(live[s] & (FLAG_DELETED | FLAG_FREE))) rows.push(s);
      if (rows.length < MIN_FIT_ROWS) {
        st.struct()[X.quant] = QUANT_CODE.none;
        forEachRun(slots.length > 0 ? slots : Int32Array.from(rows), (first, n) => st.kernel.index_encode(st.data.struct, first, n));
        return;
      }
      st.struct()[X.quant] = QUANT_CODE[this.quantize];
      let sample = data;
      if (rows.length < st.count) {
        // gather the live rows (only when some slots are empty; usually all are live)
        sample = new Float32Array(rows.length * g.stride);
        rows.forEach((s, i) => sample.set(data.subarray(s * g.stride, (s + 1) * g.stride), i * g.stride));
      }
      let sampleRows = rows.length;
      if (g.rotation) ({ sample, rows: sampleRows } = this.fitRotation(sample, rows.length));
      const p =
        this.quantize === 'int8'
          ? fitInt8(sample, sampleRows, this.dim, g.stride, this.int8Range)
          : fitBinary(sample, sampleRows, this.dim, g.stride);
      st.f32(st.data.qOffset, this.dim).set(p.offset);
      st.f32(st.data.qScale, this.dim).set(p.scale);
      this.quantizerFitted = true;
      st.kernel.index_encode(st.data.struct, 0, st.count);
      return;
    }
    if (slots.length === 0) {
      st.kernel.index_encode(st.data.struct, 0, st.count);
      return;
    }
    forEachRun(slots, (first, n) => st.kernel.index_encode(st.data.struct, first, n));
  }

  /**
   * Principal axes of the vectors (eigenvectors of the second-moment matrix of up to 8192 sampled
   * rows, by decreasing eigenvalue) become the basis of the codes, and the first-stage dims are the
   * fewest (in multiples of 16) holding 90 % of the energy. Returns the sampled rows in the new
   * basis (for fitting the quantizer there). Identity-free: q·x and |q − x| are the same in any orthonormal
   * basis, so results stay exact.
   */
  private fitRotation(sample: Float32Array, rows: number): { sample: Float32Array; rows: number } {
    const st = this.store;
    const g = st.g;
    const d = this.dim;
    const step = Math.max(1, Math.floor(rows / 8192));
    const m = new Float64Array(d * d);
    let used = 0;
    for (let r = 0; r < rows; r += step, used++) {
      const row = sample.subarray(r * g.stride, r * g.stride + d);
      for (let i = 0; i < d; i++) {
        const vi = row[i];
        if (vi === 0) continue;
        for (let j = i; j < d; j++) m[i * d + j] += vi * row[j];
      }
    }
    for (let i = 0; i < d; i++) for (let j = i; j < d; j++) m[j * d + i] = m[i * d + j] /= Math.max(1, used);
    const { values, vectors } = symmetricEigen(m, d);
    const rot = Float32Array.from(vectors);
    st.f32(st.data.rot, d * d).set(rot);
    let total = 0;
    for (let i = 0; i < d; i++) total += Math.max(0, values[i]);
    let t = g.codeStride;
    let acc = 0;
    for (let i = 0; i < d; i++) {
      acc += Math.max(0, values[i]);
      if (acc >= ENERGY * total) {
        t = Math.ceil((i + 1) / 16) * 16;
        break;
      }
    }
    const x = st.struct();
    x[X.tDims] = t <= g.codeStride - 16 ? t : g.codeStride;
    x[X.rot] = st.data.rot;
    // the rows the moments were taken from, in the new basis, for fitting the quantizer there (a
    // row outside the fitted range is clipped, and its code error, hence its bound, says so)
    const picked = Math.ceil(rows / step);
    const out = new Float32Array(picked * g.stride);
    for (let r = 0, i = 0; r < rows; r += step, i++) {
      const row = sample.subarray(r * g.stride, r * g.stride + d);
      for (let a = 0; a < d; a++) {
        let v = 0;
        for (let k = 0; k < d; k++) v += rot[a * d + k] * row[k];
        out[i * g.stride + a] = v;
      }
    }
    return { sample: out, rows: picked };
  }

  /** Marks a parallel operation (searches on this thread then read link lists under locks). */
  protected async parallel(fn: () => Promise<void>): Promise<void> {
    this.busy = true;
    const x = this.store.struct();
    Atomics.store(x, X.concurrent, 1);
    try {
      await fn();
    } finally {
      Atomics.store(this.store.struct(), X.concurrent, 0);
      this.busy = false;
    }
  }

  /** Where a list of int32 can be placed temporarily (after the thread areas). */
  protected scratchList(n: number): number {
    const st = this.store;
    const end = st.threads.length > 0 ? st.threads[st.threads.length - 1].end : st.data.end;
    const at = Math.ceil(end / 64) * 64;
    ensureMemory(st.memory, at + n * 4 + 64);
    return at;
  }

  /** Level of each new HNSW node (hnswlib's rule), after `skip` levels already drawn. */
  protected static levelGenerator(seed: number, m: number, skip = 0): () => number {
    const rnd = mulberry32(seed, skip);
    const mult = 1 / Math.log(m);
    return () => Math.min(MAX_LEVEL, Math.floor(-Math.log(1 - rnd()) * mult));
  }

  /** Statistics of the last calls, for tests and tuning. */
  protected lastDistanceCount(): number {
    return this.store.i32(this.store.threads[0].scratch, 32)[S.statsDist];
  }

  /** The id→slot map, for persistence. */
  protected idEntries(): IterableIterator<[Id, number]> {
    return this.ids.entries();
  }
}
