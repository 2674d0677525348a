import { FileFormatError, UsageError } from '../errors.js';
import { sectionAs, type Container, type ContainerSectionInput } from '../io/container/index.js';
import { CodeSpace, codeRowBytes } from './code-space.js';
import { buildAllowBitmap } from './filter.js';
import { checkId, IdMap } from './ids.js';
import { searchChunk, type KernelSearch } from './kernel/index-kernel.js';
import { KernelMemory, type Region } from './kernel/kernel-memory.js';
import {
  fixedArray,
  FLAG_DELETED,
  FLAG_FREE,
  METRIC_CODE,
  perSlot,
  QUANT_CODE,
  SCRATCH,
  SCRATCH_BYTES,
  STORE,
  STORE_BYTES,
  type ArraySpec,
  type AreaShape,
  type RegionSpec,
  type ScratchSize,
  type ThreadArea,
} from './kernel/layout.js';
import { runOnThreads } from './kernel/run-threads.js';
import type { StoreSettings } from './options.js';
import { OperationGate } from './operation-gate.js';
import { permuteInPlace } from './slots.js';
import type { Id, Metadata, Metric, SearchFilter, SearchHit, VectorInput } from './types.js';
import { queryRows, storedRows, type RowShape, type StoredRows } from './vectors-input.js';

/** Queries per kernel call (per work area). */
export const CHUNK = 64;

/** Floats per stored row (dim rounded up to 4), or bytes for hamming (packed bits rounded up to 16). */
export function rowStride(metric: Metric, dim: number): number {
  return metric === 'hamming' ? Math.ceil(Math.ceil(dim / 8) / 16) * 16 : Math.ceil(dim / 4) * 4;
}

/** What an index kind keeps next to the store, and what its kernel calls need. */
export interface StoreKind {
  /** Its own struct and arrays in kernel memory (the HNSW graph, the flat index's clusters). */
  region: RegionSpec;
  /** HNSW: level-0 links (graph buffers in the work areas) and interleaved lanes; 0 for none. */
  M0: number;
  lanes: number;
  /** Flat: cluster buffers in the work areas. */
  clusters: boolean;
  /** int8 codes in a principal-axes basis (the flat index's two-stage screen). */
  rotation: boolean;
}

/** A validated add, nothing changed yet. */
export interface StagedAdd {
  ids: readonly Id[];
  rows: StoredRows;
  metas: readonly (Metadata | undefined)[] | undefined;
}

/** Query rows in stored form, and the allow bitmap of a filter. */
export interface Queries {
  bytes: Uint8Array;
  n: number;
}
export interface FilterBits {
  bits: Uint8Array;
  /** Slots the filter allows. */
  count: number;
}

/** Everything one search call runs with. */
export interface SearchPlan {
  q: Queries;
  search: KernelSearch;
  size: ScratchSize;
  filter?: FilterBits;
}

/** Results of a kernel search: k slots and distances per query (slot −1 = none). */
export interface SlotResults {
  outI: Int32Array;
  outD: Float32Array;
}

/** Settings stored in a saved index's metadata by the store. */
export interface StoreMeta {
  metric: Metric;
  dim: number;
  quantize: 'none' | 'int8' | 'binary';
  int8Range: 'per-dimension' | 'global';
  count: number;
  size: number;
  quantizerFitted: boolean;
  idKind: 'number' | 'json';
  hasMetadata: boolean;
}

/**
 * What the flat and HNSW indexes share, owned by each index (composition): ids ⇄ slots, metadata,
 * the rows in kernel memory (normalised for cosine, padded), their codes (see code-space.ts), the
 * plumbing that runs kernel searches on this thread or on worker threads in work areas of their
 * own, the concurrency gate, and the persistence of all of it. The index kinds add their own
 * structure (the graph, the clusters) as a second region of the same kernel memory.
 */
export class VectorStore {
  readonly metric: Metric;
  readonly dim: number;
  readonly quantize: 'none' | 'int8' | 'binary';
  readonly int8Range: 'per-dimension' | 'global';
  readonly threads: number;
  readonly rowShape: RowShape;
  readonly rowBytes: number;
  readonly mem: KernelMemory;
  /** The Store struct, and the kind's struct (graph or clusters). */
  readonly region: Region;
  readonly kindRegion: Region;
  readonly codes: CodeSpace;
  readonly gate = new OperationGate();
  private readonly ids = new IdMap();
  private metadata: (Metadata | undefined)[] = [];
  private pendingDeletes: number[] = [];
  /** Kernel statistics of the last search on this thread. */
  private lastStats = { distances: 0, screenedRows: 0 };

  constructor(s: StoreSettings, kind: StoreKind) {
    this.metric = s.metric;
    this.dim = s.dim;
    this.quantize = s.quantize;
    this.int8Range = s.int8Range;
    this.threads = s.threads;
    const hamming = s.metric === 'hamming';
    const bytes = Math.ceil(s.dim / 8);
    const stride = rowStride(s.metric, s.dim);
    const codeStride = s.quantize === 'int8' ? codeRowBytes(s.dim) : s.quantize === 'binary' ? codeRowBytes(bytes) : 0;
    this.rowShape = { dim: s.dim, stride, hamming, unit: s.metric === 'cosine' };
    this.rowBytes = hamming ? stride : stride * 4;
    const rotation = kind.rotation && codeStride > 0;
    const rb = this.rowBytes;
    const storeSpec: RegionSpec = {
      structBytes: STORE_BYTES,
      arrays: () => {
        const a: ArraySpec[] = [perSlot(STORE.vectors, rb), perSlot(STORE.flags, 1), perSlot(STORE.sqnorm, 4)];
        a.push(fixedArray(STORE.qOffset, s.dim * 4), fixedArray(STORE.qScale, s.dim * 4));
        if (codeStride > 0)
          a.push(
            perSlot(STORE.codes, codeStride),
            perSlot(STORE.codeSqnorm, 4),
            perSlot(STORE.codeErr, 4),
            perSlot(STORE.codeNorm, 4),
            perSlot(STORE.codeSum, 4),
          );
        if (rotation) a.push(fixedArray(STORE.rot, s.dim * s.dim * 4), perSlot(STORE.restNorm, 4));
        return a;
      },
    };
    const areaShape = (capacity: number): AreaShape => ({
      capacity,
      stride,
      rowBytes: rb,
      codeStride,
      M0: kind.M0,
      lanes: kind.lanes,
      clusters: kind.clusters,
    });
    this.mem = new KernelMemory(s.capacity, [storeSpec, kind.region], areaShape);
    [this.region, this.kindRegion] = this.mem.regions;
    const x = this.region.struct();
    x[STORE.dim] = s.dim;
    x[STORE.stride] = stride;
    x[STORE.metric] = METRIC_CODE[s.metric];
    x[STORE.capacity] = s.capacity;
    x[STORE.count] = 0;
    x[STORE.quant] = QUANT_CODE[s.quantize];
    x[STORE.codeStride] = codeStride;
    this.codes = new CodeSpace(this.mem, this.region, {
      quantize: s.quantize,
      int8Range: s.int8Range,
      dim: s.dim,
      stride,
      codeStride,
      rotation,
    });
  }

  // ----------------------------------------------------------------------------- ids and rows
  /** Vectors stored (not removed). */
  get size(): number {
    return this.ids.size;
  }

  /** Slots in use (the high-water mark: removed and free slots included). */
  get count(): number {
    return this.region.struct()[STORE.count];
  }
  private set count(n: number) {
    this.region.struct()[STORE.count] = n;
  }

  get capacity(): number {
    return this.mem.capacity;
  }

  has(id: Id): boolean {
    return this.ids.slotOf(id) >= 0;
  }

  /** The stored vector (unit-normalised for cosine; packed bits for hamming) and metadata of `id`. */
  get(id: Id): { vector: Float32Array | Uint8Array; metadata?: Metadata } | undefined {
    const slot = this.ids.slotOf(id);
    if (slot < 0) return undefined;
    const bytes = this.mem.u8(this.region.ptr(STORE.vectors) + slot * this.rowBytes, this.rowBytes);
    const vector = this.rowShape.hamming ? bytes.slice(0, Math.ceil(this.dim / 8)) : new Float32Array(bytes.slice().buffer, 0, this.dim);
    const meta = this.metadata[slot];
    return meta === undefined ? { vector } : { vector, metadata: meta };
  }

  /** The id in `slot` (undefined for removed and free slots). */
  idAt(slot: number): Id | undefined {
    return this.ids.idAt(slot);
  }

  /** The flags of every slot (FLAG_DELETED, FLAG_FREE). */
  flags(): Uint8Array {
    return this.mem.u8(this.region.ptr(STORE.flags), this.mem.capacity);
  }

  /** The slots holding a vector, in increasing order. */
  liveSlots(): Int32Array {
    const flags = this.flags();
    const live: number[] = [];
    for (let s = 0; s < this.count; s++) if (!(flags[s] & (FLAG_DELETED | FLAG_FREE))) live.push(s);
    return Int32Array.from(live);
  }

  /** Validates an add (ids, rows, metadata) without changing anything. */
  stage(idsIn: Id | readonly Id[], vectors: VectorInput | Uint8Array, metaIn?: Metadata | readonly (Metadata | undefined)[]): StagedAdd {
    const ids = (Array.isArray(idsIn) ? idsIn : [idsIn]) as readonly Id[];
    const rows = storedRows(vectors, this.rowShape, 'add');
    const n = rows.n;
    if (ids.length !== n) throw new UsageError(`add: ${ids.length} ids for ${n} vectors`);
    let metas: readonly (Metadata | undefined)[] | undefined;
    if (metaIn !== undefined) {
      metas = Array.isArray(metaIn) ? (metaIn as readonly (Metadata | undefined)[]) : n === 1 ? [metaIn as Metadata] : undefined;
      if (!metas || metas.length !== n) throw new UsageError(`add: metadata must be one object per vector (${n})`);
    }
    const seen = new Set<Id>();
    ids.forEach((id, i) => {
      checkId(id, `add: id ${i}`);
      if (seen.has(id)) throw new UsageError(`add: id ${JSON.stringify(id)} appears twice in one call`);
      seen.add(id);
    });
    return { ids, rows, metas };
  }

  /** Marks `id` removed (never returned again); its slot waits in {@link pending} until released. */
  remove(id: Id): boolean {
    const slot = this.ids.delete(id);
    if (slot < 0) return false;
    this.flags()[slot] |= FLAG_DELETED;
    this.metadata[slot] = undefined;
    this.pendingDeletes.push(slot);
    return true;
  }

  /** Slots removed and not yet released (the graph around them still needs repair). */
  get pending(): readonly number[] {
    return this.pendingDeletes;
  }

  /** Makes the removed slots reusable (once nothing refers to them any more). */
  releasePending(): void {
    this.ids.release(this.pendingDeletes);
    this.pendingDeletes = [];
  }

  /**
   * Writes a staged add into free or new slots (growing the storage when needed): rows, flags,
   * ids, metadata, then codes and norms. The ids must not be stored (updates remove them first).
   * Returns the slots, for the kind to insert into its structure.
   */
  write(add: StagedAdd): Int32Array {
    const n = add.rows.n;
    const slots = new Int32Array(n);
    let next = this.count;
    for (let i = 0; i < n; i++) {
      const s = this.ids.takeFree();
      slots[i] = s >= 0 ? s : next++;
    }
    if (next > this.mem.capacity) this.grow(Math.max(next, this.mem.capacity * 2));
    const flags = this.flags();
    const vectors = this.region.ptr(STORE.vectors);
    // rows go straight into the kernel memory (normalised / padded on the way): no staging copy
    add.rows.write(this.mem.memory.buffer, (i) => vectors + slots[i] * this.rowBytes);
    for (let i = 0; i < n; i++) {
      const s = slots[i];
      flags[s] = 0;
      this.ids.set(add.ids[i], s);
      this.metadata[s] = add.metas?.[i];
    }
    this.count = Math.max(this.count, next);
    this.codes.encode(this.count, slots);
    return slots;
  }

  /** Moves the storage (and the kind's) into a memory for `capacity` slots, or re-plans it (a larger link pool). */
  grow(capacity: number): void {
    this.mem.replan(capacity, this.count);
    this.region.struct()[STORE.capacity] = this.mem.capacity;
  }

  /**
   * Renumbers the slots: the row in old slot `order[t]` moves to slot t (`newSlot` is the inverse).
   * Moves everything the store keeps per slot (vectors, codes and their norms, flags, ids,
   * metadata); the kind moves its own structure.
   */
  permute(newSlot: Int32Array, order: Int32Array): void {
    const n = this.count;
    const r = this.region;
    const cs = this.codes.shape.codeStride;
    permuteInPlace(this.mem.u8(r.ptr(STORE.vectors), n * this.rowBytes), this.rowBytes, order);
    if (cs > 0) {
      permuteInPlace(this.mem.u8(r.ptr(STORE.codes), n * cs), cs, order);
      for (const slot of [STORE.codeSqnorm, STORE.codeErr, STORE.codeNorm, STORE.codeSum])
        permuteInPlace(this.mem.i32(r.ptr(slot), n), 1, order);
    }
    if (r.ptr(STORE.restNorm)) permuteInPlace(this.mem.i32(r.ptr(STORE.restNorm), n), 1, order);
    permuteInPlace(this.mem.i32(r.ptr(STORE.sqnorm), n), 1, order);
    permuteInPlace(this.mem.u8(r.ptr(STORE.flags), n), 1, order);
    this.ids.permute(newSlot);
    const meta = this.metadata;
    this.metadata = [];
    for (let s = 0; s < meta.length; s++) if (meta[s] !== undefined) this.metadata[newSlot[s]] = meta[s];
  }

  // -------------------------------------------------------------------------------- searching
  /** Query rows in stored form (normalised for cosine, padded). */
  queries(input: VectorInput | Uint8Array): Queries {
    return queryRows(input, this.rowShape);
  }

  /** The allow bitmap of a filter (one bit per slot). */
  filterBits(filter: SearchFilter): FilterBits {
    const bits = new Uint8Array(Math.ceil(this.mem.capacity / 8));
    const { count } = buildAllowBitmap(
      filter,
      bits,
      this.count,
      (slot) => this.ids.idAt(slot),
      (slot) => this.metadata[slot],
      (id) => this.ids.slotOf(id),
    );
    return { bits, count };
  }

  /** Runs the queries through the kernel on this thread, CHUNK at a time, in a work area of their own. */
  searchHere(q: Queries, search: KernelSearch, size: ScratchSize, filter?: FilterBits): SlotResults {
    const k = search.k;
    const outI = new Int32Array(q.n * k);
    const outD = new Float32Array(q.n * k);
    const mem = this.mem;
    const area = mem.work.leaseArea(size);
    try {
      const allow = this.writeFilter(area, filter);
      for (let q0 = 0; q0 < q.n; q0 += CHUNK) {
        const n = Math.min(CHUNK, q.n - q0);
        mem.u8(area.queries, n * this.rowBytes).set(q.bytes.subarray(q0 * this.rowBytes, (q0 + n) * this.rowBytes));
        searchChunk(mem.kernel, mem.memory, search, area.scratch, area.queries, n, allow, area.outI, area.outD);
        outI.set(mem.i32(area.outI, n * k), q0 * k);
        outD.set(mem.f32(area.outD, n * k), q0 * k);
      }
      const s = mem.i32(area.scratch, SCRATCH_BYTES / 4);
      this.lastStats = { distances: s[SCRATCH.statsDist], screenedRows: s[SCRATCH.statsRows] };
    } finally {
      mem.work.release(area.scratch);
    }
    return { outI, outD };
  }

  /** Runs the queries on `threads` worker threads (each in a work area leased for this call). */
  async searchOnWorkers(q: Queries, search: KernelSearch, size: ScratchSize, filter?: FilterBits): Promise<SlotResults> {
    const k = search.k;
    const queries = new SharedArrayBuffer(q.n * this.rowBytes);
    new Uint8Array(queries).set(q.bytes.subarray(0, q.n * this.rowBytes));
    const outI = new SharedArrayBuffer(q.n * k * 4);
    const outD = new SharedArrayBuffer(q.n * k * 4);
    const areas = this.leaseAreas(this.threads, size);
    try {
      const allow = this.writeFilter(areas[0], filter); // one bitmap for all the threads of this call
      await runOnThreads(this.mem.memory, areas, {
        op: 'search',
        search,
        queries,
        rowBytes: this.rowBytes,
        outI,
        outD,
        allow,
        counter: new SharedArrayBuffer(4),
        nq: q.n,
        chunk: CHUNK,
      });
    } finally {
      for (const a of areas) this.mem.work.release(a.scratch);
    }
    return { outI: new Int32Array(outI), outD: new Float32Array(outD) };
  }

  /** Leases `n` work areas of at least `size` (all released if one cannot be had). */
  leaseAreas(n: number, size: ScratchSize): ThreadArea[] {
    const areas: ThreadArea[] = [];
    try {
      for (let t = 0; t < n; t++) areas.push(this.mem.work.leaseArea(size));
    } catch (e) {
      for (const a of areas) this.mem.work.release(a.scratch);
      throw e;
    }
    return areas;
  }

  private writeFilter(area: ThreadArea, filter: FilterBits | undefined): number {
    if (!filter) return 0;
    this.mem.u8(area.allow, filter.bits.length).set(filter.bits);
    return area.allow;
  }

  /** Kernel statistics of the last search on this thread: distances computed, rows screened (flat). */
  get lastSearchStats(): { distances: number; screenedRows: number } {
    return this.lastStats;
  }

  /** Search results as hits (ids, distances, metadata). */
  toHits(r: SlotResults, nq: number, k: number, withMetadata: boolean): SearchHit[][] {
    const res: SearchHit[][] = [];
    for (let q = 0; q < nq; q++) {
      const hits: SearchHit[] = [];
      for (let j = 0; j < k; j++) {
        const slot = r.outI[q * k + j];
        if (slot < 0) break;
        const id = this.ids.idAt(slot);
        if (id === undefined) continue;
        const hit: SearchHit = { id, distance: r.outD[q * k + j] };
        const meta = this.metadata[slot];
        if (withMetadata && meta !== undefined) hit.metadata = meta;
        hits.push(hit);
      }
      res.push(hits);
    }
    return res;
  }

  // ------------------------------------------------------------------------------ persistence
  /** The store's sections of a saved index: vectors, flags, ids, metadata, quantizer. */
  sections(): { sections: ContainerSectionInput[]; meta: StoreMeta } {
    const count = this.count;
    const idsBySlot: (Id | null)[] = [];
    let allNumbers = true;
    for (let s = 0; s < count; s++) {
      const id = this.ids.idAt(s);
      idsBySlot.push(id ?? null);
      if (id !== undefined && typeof id !== 'number') allNumbers = false;
    }
    const sections: ContainerSectionInput[] = [
      { name: 'vectors', data: this.mem.u8(this.region.ptr(STORE.vectors), count * this.rowBytes) },
      { name: 'flags', data: this.mem.u8(this.region.ptr(STORE.flags), count) },
      allNumbers
        ? { name: 'ids', data: Float64Array.from(idsBySlot, (v) => (v === null ? NaN : (v as number))) }
        : { name: 'ids', data: new TextEncoder().encode(JSON.stringify(idsBySlot)) },
    ];
    const metas = Array.from({ length: count }, (_, i) => this.metadata[i] ?? null);
    const hasMetadata = metas.some((m) => m !== null);
    if (hasMetadata) sections.push({ name: 'metadata', data: new TextEncoder().encode(JSON.stringify(metas)) });
    if (this.quantize !== 'none') {
      const p = this.codes.params();
      sections.push({ name: 'q_offset', data: p.offset }, { name: 'q_scale', data: p.scale });
    }
    const meta: StoreMeta = {
      metric: this.metric,
      dim: this.dim,
      quantize: this.quantize,
      int8Range: this.int8Range,
      count,
      size: this.size,
      quantizerFitted: this.codes.fitted,
      idKind: allNumbers ? 'number' : 'json',
      hasMetadata,
    };
    return { sections, meta };
  }

  /**
   * Loads the store's part of a saved index into this fresh store: every section's size and value
   * checked, arrays copied in bulk, codes and norms computed (the quantizer refitted or read).
   */
  restore(c: Container, m: StoreMeta): void {
    const fail = (problem: string) => new FileFormatError(c.file, problem);
    const count = m.count;
    // Grow once, before anything is written (growing copies only the slots in use).
    if (count > this.mem.capacity) this.grow(count);
    const rb = this.rowBytes;
    const section = <T extends { length: number }>(name: string, type: Parameters<typeof sectionAs<T>>[2], length: number): T => {
      const a = sectionAs(c, name, type);
      if (a.length !== length) throw fail(`section '${name}' has ${a.length} elements, expected ${length}`);
      return a;
    };
    const vectors = section<Uint8Array>('vectors', Uint8Array, count * rb);
    const flags = section<Uint8Array>('flags', Uint8Array, count);
    for (let i = 0; i < count; i++)
      if (flags[i] !== 0 && flags[i] !== FLAG_FREE) throw fail(`section 'flags': slot ${i} has flag ${flags[i]}`);
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
    this.mem.u8(this.region.ptr(STORE.vectors), count * rb).set(vectors);
    this.mem.u8(this.region.ptr(STORE.flags), count).set(flags);
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
    if (this.quantize !== 'none' && !this.codes.refitOnLoad) {
      this.codes.setParams(
        section<Float32Array>('q_offset', Float32Array, this.dim),
        section<Float32Array>('q_scale', Float32Array, this.dim),
      );
      this.codes.fitted = m.quantizerFitted;
    }
    this.count = count;
    if (count > 0) this.codes.encode(count, new Int32Array(0)); // fits the quantizer first if it is not loaded
  }
}
