import { UsageError } from '../errors.js';
import { writeContainer, writeContainerSync, type Container, type ContainerInput } from '../io/container/index.js';
import { FlatClusters, type ClustersMeta } from './flat-clusters.js';
import type { KernelSearch } from './kernel/index-kernel.js';
import { storeSettings, type IndexOptions } from './options.js';
import type { SavedIndexMeta } from './persistence.js';
import { permuteRows, unpermuteRows } from './slots.js';
import { copyAdd, copyVectors } from './snapshot.js';
import type { Id, IndexSearchOptions, Metadata, Metric, SearchHit, VectorInput } from './types.js';
import type { StoredVector, VectorIndex } from './vector-index.js';
import { CHUNK, rowStride, VectorStore, type Queries, type SlotResults } from './vector-store.js';

/** Query batches smaller than this run on the calling thread. */
const PARALLEL_QUERIES = 256;
/** Adds of at least this many vectors cluster with turns for the event loop (the asynchronous add). */
const ASYNC_CLUSTERING = 2000;

/**
 * Exact nearest-neighbour index: every query is compared with every stored vector by the SIMD
 * kernel, eight queries at a time so each stored row is read once per block; batches run on worker
 * threads. By default (`quantize: 'int8'`) rows also get int8 codes with a per-row error bound: the
 * integer scan skips every row that provably cannot be among the k nearest, and only the rest are
 * scored in float — the results are the exact ones. With 32–512 dims the codes are taken in a
 * principal-axes basis (a first screening stage on the leading dims), and from 4,096 vectors on the
 * rows are grouped by k-means clusters: a query block visits clusters nearest first and skips every
 * cluster (and row) that the triangle inequality proves too far (see flat-search.c), which on
 * clustered data skips most of the scan. A {@link VectorStore} and its {@link FlatClusters}, composed.
 */
export class FlatIndex implements VectorIndex {
  readonly type = 'flat';
  private readonly store: VectorStore;
  private readonly clusters: FlatClusters;

  constructor(options: IndexOptions) {
    const settings = storeSettings(options);
    // the screen in a principal-axes basis (and with it the clusters) pays off from 32 dims; past
    // 512 the rotation costs more than it saves
    const rotated = settings.quantize !== 'none' && settings.metric !== 'hamming' && settings.dim >= 32 && settings.dim <= 512;
    this.clusters = new FlatClusters(rotated, rowStride(settings.metric, settings.dim));
    this.store = new VectorStore(settings, this.clusters.kind());
    this.clusters.attach(this.store);
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
  get size(): number {
    return this.store.size;
  }

  /** Clusters of the stored rows (0 when the rows are not clustered). */
  get clusterCount(): number {
    return this.clusters.count;
  }

  /** Rows that reached the integer screen in the last kernel call of a search on this thread. */
  lastScreenedRows(): number {
    return this.store.lastSearchStats.screenedRows;
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
      const slots = this.write(input.ids, input.vectors, input.metadata);
      if (!this.clusters.due) return;
      // a large add: the k-means gives the event loop a turn between its steps
      if (slots.length >= ASYNC_CLUSTERING && this.threads > 1) await this.clusters.clusterAsync();
      else this.clusters.cluster();
    });
  }

  addSync(ids: Id | readonly Id[], vectors: VectorInput | Uint8Array, metadata?: Metadata | readonly (Metadata | undefined)[]): void {
    this.store.gate.assertIdle('addSync');
    this.write(ids, vectors, metadata);
    if (this.clusters.due) this.clusters.cluster();
  }

  /** Validates, removes the old vectors of updated ids, and stores the rows (searchable at once). */
  private write(
    ids: Id | readonly Id[],
    vectors: VectorInput | Uint8Array,
    metadata?: Metadata | readonly (Metadata | undefined)[],
  ): Int32Array {
    const staged = this.store.stage(ids, vectors, metadata);
    for (const id of staged.ids) this.store.remove(id); // updates: the old vector goes away first
    this.store.releasePending(); // no graph: removed slots only need to be released
    const slots = this.store.write(staged);
    this.clusters.rowsWritten(slots);
    return slots;
  }

  remove(id: Id): boolean {
    this.store.gate.assertIdle('remove');
    return this.store.remove(id);
  }

  /** Makes the slots of removed vectors reusable now (add() and save() do it too). */
  compact(): void {
    this.store.gate.assertIdle('compact');
    this.store.releasePending();
  }

  /**
   * Groups the rows by k-means clusters (see FlatClusters). Results are unchanged; only the scan
   * gets faster. Runs automatically after adds; exposed for tuning.
   */
  cluster(): void {
    this.store.gate.assertIdle('cluster');
    this.store.releasePending();
    this.clusters.cluster();
  }

  search(query: VectorInput | Uint8Array, k: number, options: IndexSearchOptions = {}): SearchHit[] {
    return this.searchBatchSync(query, k, options)[0];
  }

  searchBatchSync(queries: VectorInput | Uint8Array, k: number, options: IndexSearchOptions = {}): SearchHit[][] {
    const p = this.plan(queries, k, options);
    return this.hits(p.order, this.store.searchHere(p.q, p.search, p.size, p.filter), p.q.n, k, options);
  }

  searchBatch(queries: VectorInput | Uint8Array, k: number, options: IndexSearchOptions = {}): Promise<SearchHit[][]> {
    const input = this.store.gate.busy ? copyVectors(queries) : queries; // it will run later
    return this.store.gate.run(async () => {
      const p = this.plan(input, k, options);
      const r =
        p.q.n < PARALLEL_QUERIES || this.threads < 2
          ? this.store.searchHere(p.q, p.search, p.size, p.filter)
          : await this.store.searchOnWorkers(p.q, p.search, p.size, p.filter);
      return this.hits(p.order, r, p.q.n, k, options);
    });
  }

  /** The queries (grouped by nearest cluster), work-area size, filter and kernel search of one call. */
  private plan(queries: VectorInput | Uint8Array, k: number, options: IndexSearchOptions) {
    if (!Number.isInteger(k) || k < 1) throw new UsageError(`k must be a positive integer, got ${k}`);
    let q: Queries = this.store.queries(queries);
    const order = this.clusters.queryOrder(q);
    if (order) q = { bytes: permuteRows(q.bytes, order, this.store.rowBytes), n: q.n };
    const filter = options.filter === undefined ? undefined : this.store.filterBits(options.filter);
    const search: KernelSearch = {
      op: 'flat',
      store: this.store.region.at,
      kind: this.store.kindRegion.at,
      k,
      ef: 1,
      rerank: options.rerank ?? true,
    };
    // the scan keeps 8 heaps of k + 1
    return { q, order, filter, search, size: { resCap: Math.max(64, 8 * (k + 1)), chunk: CHUNK, k: Math.max(k, 16) } };
  }

  private hits(order: Int32Array | undefined, r: SlotResults, nq: number, k: number, options: IndexSearchOptions): SearchHit[][] {
    const rows = order ? { outI: unpermuteRows(r.outI, order, k), outD: unpermuteRows(r.outD, order, k) } : r;
    return this.store.toHits(rows, nq, k, options.withMetadata ?? true);
  }

  save(path: string): Promise<void> {
    return this.store.gate.run(async () => {
      this.store.releasePending();
      await writeContainer(path, this.container());
    });
  }

  saveSync(path: string): void {
    this.store.gate.assertIdle('saveSync');
    this.store.releasePending();
    writeContainerSync(path, this.container());
  }

  private container(): ContainerInput {
    const s = this.store.sections();
    const c = this.clusters.sections();
    const meta: SavedIndexMeta = { type: this.type, ...s.meta, ...c.meta };
    return { kind: this.type, kindVersion: 1, meta: meta as unknown as Record<string, unknown>, sections: [...s.sections, ...c.sections] };
  }

  /** Loads the state of a saved index (called by loadIndex on a fresh index). @internal */
  restore(c: Container, m: SavedIndexMeta & ClustersMeta, fail: (problem: string) => Error): void {
    this.store.restore(c, m);
    this.clusters.restore(c, m, fail);
  }
}
