import { UsageError } from '../errors.js';
import { writeContainer, writeContainerSync, type Container, type ContainerInput } from '../io/container/index.js';
import { HNSW_DEFAULTS } from './defaults.js';
import { HnswGraph, type GraphMeta } from './hnsw-graph.js';
import { storeSettings, type HnswOptions } from './options.js';
import type { SavedIndexMeta } from './persistence.js';
import { copyAdd, copyVectors } from './snapshot.js';
import type { Id, IndexSearchOptions, Metadata, Metric, SearchHit, VectorInput } from './types.js';
import type { StoredVector, VectorIndex } from './vector-index.js';
import { VectorStore, type SearchPlan } from './vector-store.js';

/** Adds of at least this many vectors run on worker threads. */
const PARALLEL_INSERTS = 2000;
/** Query batches smaller than this run on the calling thread. */
const PARALLEL_QUERIES = 256;
/** Adds of at least this many vectors (and ≥ 10 % of the index) are followed by a reorder. */
const REORDER_AFTER = 2000;

/**
 * Approximate nearest-neighbour index: a Hierarchical Navigable Small World graph (Malkov &
 * Yashunin 2018) with hnswlib's neighbour-selection heuristic, built by worker threads on one
 * shared WebAssembly memory. Supports real deletion (slots reused, neighbours repaired), updates,
 * filtered search inside the graph traversal, and int8/binary traversal codes with exact
 * re-ranking. A {@link VectorStore} (rows, ids, codes) and an {@link HnswGraph}, composed.
 */
export class HnswIndex implements VectorIndex {
  readonly type = 'hnsw';
  /** Default ef of searches (at least k). Saved in the file. */
  efSearch: number;
  private readonly store: VectorStore;
  private readonly graph: HnswGraph;
  /** Whether the last search on this thread scanned exactly (a very selective filter) instead of the graph. */
  private lastExact = false;

  constructor(options: HnswOptions) {
    const settings = storeSettings(options);
    this.graph = new HnswGraph(
      options.m ?? HNSW_DEFAULTS.m,
      options.efConstruction ?? HNSW_DEFAULTS.efConstruction,
      options.seed ?? HNSW_DEFAULTS.seed,
    );
    this.efSearch = options.efSearch ?? HNSW_DEFAULTS.efSearch;
    this.store = new VectorStore(settings, this.graph.kind());
    this.graph.attach(this.store);
  }

  get metric(): Metric {
    return this.store.metric;
  }
  get dim(): number {
    return this.store.dim;
  }
  get quantize(): 'none' | 'int8' | 'binary' {
    return this.store.quantize;
  }
  get int8Range(): 'per-dimension' | 'global' {
    return this.store.int8Range;
  }
  get threads(): number {
    return this.store.threads;
  }
  get m(): number {
    return this.graph.m;
  }
  get efConstruction(): number {
    return this.graph.efConstruction;
  }
  get seed(): number {
    return this.graph.seed;
  }
  get size(): number {
    return this.store.size;
  }

  has(id: Id): boolean {
    return this.store.has(id);
  }

  get(id: Id): StoredVector | undefined {
    return this.store.get(id);
  }

  add(ids: Id | readonly Id[], vectors: VectorInput | Uint8Array, metadata?: Metadata | readonly (Metadata | undefined)[]): Promise<void> {
    // a call that has to wait copies its input: the caller may change it meanwhile
    const input = this.store.gate.busy ? copyAdd({ ids, vectors, metadata }) : { ids, vectors, metadata };
    return this.store.gate.run(async () => {
      const slots = this.prepareAdd(input.ids, input.vectors, input.metadata);
      if (slots.length === 0) return;
      if (slots.length >= PARALLEL_INSERTS && this.threads > 1) await this.graph.insertOnWorkers(slots);
      else this.graph.insertHere(slots);
      this.afterInsert(slots);
    });
  }

  addSync(ids: Id | readonly Id[], vectors: VectorInput | Uint8Array, metadata?: Metadata | readonly (Metadata | undefined)[]): void {
    this.store.gate.assertIdle('addSync');
    const slots = this.prepareAdd(ids, vectors, metadata);
    if (slots.length === 0) return;
    this.graph.insertHere(slots);
    this.afterInsert(slots);
  }

  /** Validates, removes the old vectors of updated ids, and stores the rows; returns their slots. */
  private prepareAdd(
    ids: Id | readonly Id[],
    vectors: VectorInput | Uint8Array,
    metadata?: Metadata | readonly (Metadata | undefined)[],
  ): Int32Array {
    const staged = this.store.stage(ids, vectors, metadata);
    for (const id of staged.ids) this.store.remove(id); // updates: the old vector goes away first
    this.releaseRemoved();
    const slots = this.store.write(staged);
    this.graph.reserve(slots);
    return slots;
  }

  /** A large batch changes the graph a lot: renumber for memory locality (see reorder). */
  private afterInsert(slots: Int32Array): void {
    if (slots.length >= REORDER_AFTER && slots.length * 10 >= this.size) this.graph.reorder();
  }

  remove(id: Id): boolean {
    this.store.gate.assertIdle('remove');
    return this.store.remove(id);
  }

  /** Repairs the graph around removed vectors now and makes their slots reusable (save() and add() do it too). */
  compact(): void {
    this.store.gate.assertIdle('compact');
    this.releaseRemoved();
  }

  private releaseRemoved(): void {
    if (this.store.pending.length === 0) return;
    this.graph.repair();
    this.store.releasePending();
  }

  /**
   * Renumbers the nodes in breadth-first order of the level-0 graph, so that neighbours sit close
   * together in memory (see HnswGraph.reorder). Results are unchanged. Called after large adds.
   */
  reorder(): void {
    this.store.gate.assertIdle('reorder');
    this.releaseRemoved(); // pending deletions hold slot numbers
    this.graph.reorder();
  }

  /** Graph facts: entry point level, nodes per level, average links on level 0. */
  graphStats(): { maxLevel: number; entry: number; levelCounts: number[]; meanDegree0: number } {
    return this.graph.stats();
  }

  /**
   * Which search the last `search`/`searchBatchSync` on this thread ran: the graph, or an exact
   * scan of the allowed vectors (a filter that allows few of them). For tests and tuning.
   */
  lastSearchPath(): 'graph' | 'exact' {
    return this.lastExact ? 'exact' : 'graph';
  }

  search(query: VectorInput | Uint8Array, k: number, options: IndexSearchOptions = {}): SearchHit[] {
    return this.searchBatchSync(query, k, options)[0];
  }

  searchBatchSync(queries: VectorInput | Uint8Array, k: number, options: IndexSearchOptions = {}): SearchHit[][] {
    return this.searchHere(this.plan(queries, k, options), options);
  }

  searchBatch(queries: VectorInput | Uint8Array, k: number, options: IndexSearchOptions = {}): Promise<SearchHit[][]> {
    const input = this.store.gate.busy ? copyVectors(queries) : queries; // it will run later
    return this.store.gate.run(async () => {
      const p = this.plan(input, k, options);
      if (p.q.n < PARALLEL_QUERIES || this.threads < 2) return this.searchHere(p, options);
      const r = await this.store.searchOnWorkers(p.q, p.search, p.size, p.filter);
      return this.store.toHits(r, p.q.n, p.search.k, options.withMetadata ?? true);
    });
  }

  private searchHere(p: SearchPlan, options: IndexSearchOptions): SearchHit[][] {
    const r = this.store.searchHere(p.q, p.search, p.size, p.filter);
    this.lastExact = p.search.op === 'flat';
    return this.store.toHits(r, p.q.n, p.search.k, options.withMetadata ?? true);
  }

  /** The queries, work-area size, filter and kernel search of one call. */
  private plan(queries: VectorInput | Uint8Array, k: number, options: IndexSearchOptions): SearchPlan {
    if (!Number.isInteger(k) || k < 1) throw new UsageError(`k must be a positive integer, got ${k}`);
    const ef = Math.max(k, options.ef ?? this.efSearch);
    if (!Number.isInteger(ef) || ef > 100000) throw new UsageError(`ef must be an integer <= 100000, got ${options.ef}`);
    const q = this.store.queries(queries);
    const filter = options.filter === undefined ? undefined : this.store.filterBits(options.filter);
    // A very selective filter leaves too few reachable results in the graph: search the allowed
    // vectors exactly instead (cheap, since they are few).
    const exact = filter !== undefined && filter.count <= Math.max(ef * 8, this.size / 50);
    return { q, filter, size: this.graph.areaSize(k, ef), search: this.graph.search(k, ef, options.rerank ?? true, exact) };
  }

  save(path: string): Promise<void> {
    return this.store.gate.run(async () => {
      this.releaseRemoved();
      await writeContainer(path, this.container());
    });
  }

  saveSync(path: string): void {
    this.store.gate.assertIdle('saveSync');
    this.releaseRemoved();
    writeContainerSync(path, this.container());
  }

  private container(): ContainerInput {
    const s = this.store.sections();
    const g = this.graph.sections();
    const { m, efConstruction, ...graph } = g.meta; // (in the order of earlier files)
    const meta: SavedIndexMeta = { type: this.type, ...s.meta, m, efConstruction, efSearch: this.efSearch, ...graph };
    return { kind: this.type, kindVersion: 1, meta: meta as unknown as Record<string, unknown>, sections: [...s.sections, ...g.sections] };
  }

  /** Loads the state of a saved index (called by loadIndex on a fresh index). @internal */
  restore(c: Container, m: SavedIndexMeta & GraphMeta, fail: (problem: string) => Error): void {
    this.graph.reservePool(m.poolUsed);
    this.store.restore(c, m);
    this.graph.restore(c, m, fail);
  }
}
