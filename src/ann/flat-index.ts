import { sectionAs, type Container, type ContainerSectionInput } from '../io/container/index.js';
import { forEachRun, KernelIndex, type IndexOptions } from './kernel-index.js';
import { FLAG_DELETED, FLAG_FREE, MAX_CLUSTERS, rowBytes, S, X } from './kernel/layout.js';
import { kmeansSteps, runSteps, runStepsAsync, type KmeansResult } from './kmeans.js';
import type { SavedIndexMeta } from './persistence.js';

/** Indexes with at least this many vectors group their rows into clusters. */
const MIN_CLUSTER_ROWS = 4096;
/** Re-cluster when the rows added since the last clustering reach this share of the clustered ones. */
const RECLUSTER_TAIL = 0.25;

/**
 * Exact nearest-neighbour index: every query is compared with every stored vector by the SIMD
 * kernel, eight queries at a time so each stored row is read once per block; batches run on worker
 * threads. By default (`quantize: 'int8'`) rows also get int8 codes with a per-row error bound: the
 * integer scan skips every row that provably cannot be among the k nearest, and only the rest are
 * scored in float — the results are the exact ones. From 4,096 vectors on, the rows are also
 * grouped by k-means clusters: a query block visits clusters nearest first and skips every cluster
 * (and row) that the triangle inequality proves too far (see flat_search_pruned in index.c), which
 * on clustered data skips most of the scan. Same API as the HNSW index (ids, metadata, filters,
 * deletion, persistence).
 */
export class FlatIndex extends KernelIndex {
  readonly type = 'flat';

  constructor(options: IndexOptions) {
    super({ ...options, quantize: options.quantize ?? (options.metric === 'hamming' ? 'none' : 'int8') }, 1, 1);
  }

  /** int8 flat indexes of 32–512 dims screen in a principal-axes basis (see fitRotation). */
  protected override usesRotation(o: IndexOptions, codeStride: number): boolean {
    return codeStride > 0 && o.metric !== 'hamming' && o.dim >= 32 && o.dim <= 512;
  }

  /** The rotation is not stored: it is refitted (with the quantizer) from the loaded vectors. */
  protected override refitOnLoad(): boolean {
    return true;
  }

  protected defaultEf(): number {
    return 1;
  }

  /** Rows that reached the integer screen in the last kernel call of a search on this thread. */
  lastScreenedRows(): number {
    return this.store.i32(this.store.threads[0].scratch, 32)[S.statsRows];
  }

  /** Clusters of the stored rows (0 when the rows are not clustered). */
  get clusterCount(): number {
    return this.store.struct()[X.nlist];
  }

  protected async insertSlots(slots: Int32Array, parallel: boolean): Promise<void> {
    // Stored rows are searchable as soon as they are written; rows written into the clustered
    // range (reused or updated slots) loosen their cluster's bounds.
    const st = this.store;
    const x = st.struct();
    // (the kernel ignores rows past the clustered range)
    if (x[X.nlist] > 0) forEachRun(slots, (first, n) => st.kernel.flat_cluster_rows(st.data.struct, first, n));
    if (!this.needsClustering()) return;
    // a large add (the async API): the k-means gives the event loop a turn between its steps
    if (parallel) await this.parallel(() => this.clusterAsync());
    else this.cluster();
  }

  protected repair(): void {
    // No graph: removed slots only need to be released.
  }

  protected runSearch(
    _exact: boolean,
    scratch: number,
    queries: number,
    n: number,
    k: number,
    _ef: number,
    allow: number,
    outI: number,
    outD: number,
  ): void {
    const st = this.store;
    st.kernel.flat_search_batch(st.data.struct, scratch, queries, n, k, allow, outI, outD);
  }

  /** Queries sorted by their nearest centroid, so a block of eight wants the same clusters. */
  protected override queryOrder(bytes: Uint8Array, nq: number): Int32Array | undefined {
    const st = this.store;
    const nlist = st.struct()[X.nlist];
    if (nlist === 0 || nq < 16) return undefined;
    const area = st.threads[0];
    const rb = rowBytes(st.g);
    const chunk = st.threadSize.chunk;
    const near = new Int32Array(nq);
    for (let q0 = 0; q0 < nq; q0 += chunk) {
      const n = Math.min(chunk, nq - q0);
      st.u8(area.queries, n * rb).set(bytes.subarray(q0 * rb, (q0 + n) * rb));
      st.kernel.flat_query_clusters(st.data.struct, area.scratch, area.queries, n, area.outI);
      near.set(st.i32(area.outI, n), q0);
    }
    return countingOrder(near, nlist).order;
  }

  /** Whether the index is large enough to cluster and unclustered, or has a large unclustered tail. */
  private needsClustering(): boolean {
    const st = this.store;
    if (!st.g.rotation || this.size < MIN_CLUSTER_ROWS) return false;
    const x = st.struct();
    const clustered = x[X.nlist] > 0 ? x[X.clusteredEnd] : 0;
    return clustered === 0 || st.count - clustered > RECLUSTER_TAIL * clustered;
  }

  /**
   * Groups the rows by k-means clusters (about √n of them): renumbers the slots so that each
   * cluster's rows are contiguous (the live rows first, free slots last) and computes each row's
   * and cluster's bound terms. Results are unchanged; only the scan gets faster. Runs
   * automatically after adds; exposed for tuning.
   */
  cluster(): void {
    this.compact();
    const plan = this.clusterPlan();
    if (plan) this.applyClusters(plan.live, runSteps(plan.steps));
  }

  /** {@link cluster} with turns for the event loop between the k-means steps. */
  private async clusterAsync(): Promise<void> {
    this.releasePending(); // compact() would refuse: this call holds the index busy
    const plan = this.clusterPlan();
    if (plan) this.applyClusters(plan.live, await runStepsAsync(plan.steps));
  }

  private clusterPlan(): { live: Int32Array; steps: Generator<void, KmeansResult, void> } | undefined {
    const st = this.store;
    const flags = this.flags();
    const live: number[] = [];
    for (let s = 0; s < st.count; s++) if (!(flags[s] & (FLAG_DELETED | FLAG_FREE))) live.push(s);
    if (live.length < 2) return undefined;
    const nlist = Math.min(MAX_CLUSTERS, Math.max(2, Math.round(Math.sqrt(live.length))));
    const slots = Int32Array.from(live);
    return { live: slots, steps: kmeansSteps(st, slots, nlist, (bytes) => this.scratchList(Math.ceil(bytes / 4))) };
  }

  private applyClusters(live: Int32Array, { centroids, assignment }: KmeansResult): void {
    const n = this.store.count;
    const nlist = centroids.length / this.store.g.stride;
    const order = new Int32Array(n);
    const { order: byCluster, start } = countingOrder(assignment, nlist);
    for (let i = 0; i < live.length; i++) order[i] = live[byCluster[i]];
    let tail = live.length;
    const flags = this.flags();
    for (let s = 0; s < n; s++) if (flags[s] & (FLAG_DELETED | FLAG_FREE)) order[tail++] = s;
    const newSlot = new Int32Array(n);
    for (let t = 0; t < n; t++) newSlot[order[t]] = t;
    this.permuteSlots(newSlot, order);
    this.setClusters(centroids, start, live.length);
  }

  /** Installs clusters over rows [0, clusteredEnd) and computes their bound terms. */
  private setClusters(centroids: Float32Array, start: Int32Array, clusteredEnd: number): void {
    const st = this.store;
    const nlist = start.length - 1;
    st.f32(st.data.cent, centroids.length).set(centroids);
    st.i32(st.data.clStart, nlist + 1).set(start);
    const x = st.struct();
    x[X.nlist] = nlist;
    x[X.clusteredEnd] = clusteredEnd;
    st.kernel.flat_cluster_reset(st.data.struct);
    st.kernel.flat_cluster_rows(st.data.struct, 0, clusteredEnd);
  }

  protected override graphSections(): ContainerSectionInput[] {
    const st = this.store;
    const nlist = st.struct()[X.nlist];
    if (nlist === 0) return [];
    return [
      { name: 'centroids', data: st.f32(st.data.cent, nlist * st.g.stride) },
      { name: 'cluster_start', data: st.i32(st.data.clStart, nlist + 1) },
    ];
  }

  protected override graphMeta(): Partial<SavedIndexMeta> {
    const x = this.store.struct();
    return x[X.nlist] > 0 ? { nlist: x[X.nlist], clusteredEnd: x[X.clusteredEnd] } : {};
  }

  protected override restoreGraph(c: Container, m: SavedIndexMeta, fail: (problem: string) => Error): void {
    const nlist = m.nlist ?? 0;
    if (nlist === 0) return;
    const st = this.store;
    if (!st.g.rotation) throw fail('clusters are stored but this index type has none');
    if (!Number.isSafeInteger(nlist) || nlist < 1 || nlist > MAX_CLUSTERS) throw fail(`bad cluster count ${JSON.stringify(nlist)}`);
    const end = m.clusteredEnd;
    if (!Number.isSafeInteger(end) || (end as number) < 0 || (end as number) > m.count)
      throw fail(`bad clustered row count ${JSON.stringify(end)}`);
    const centroids = sectionAs(c, 'centroids', Float32Array);
    const start = sectionAs(c, 'cluster_start', Int32Array);
    if (centroids.length !== nlist * st.g.stride)
      throw fail(`section 'centroids' has ${centroids.length} values, expected ${nlist * st.g.stride}`);
    if (start.length !== nlist + 1) throw fail(`section 'cluster_start' has ${start.length} values, expected ${nlist + 1}`);
    if (start[0] !== 0 || start[nlist] !== end) throw fail(`section 'cluster_start' does not cover rows 0..${end}`);
    for (let j = 0; j < nlist; j++) if (start[j + 1] < start[j]) throw fail(`section 'cluster_start' decreases at cluster ${j}`);
    for (const v of centroids) if (!Number.isFinite(v)) throw fail("section 'centroids' holds a non-finite value");
    this.setClusters(centroids, start, end as number);
  }
}

/**
 * The indices 0..n-1 sorted by key (keys in 0..buckets-1), stable, and where each key's run
 * starts in that order (`buckets + 1` offsets).
 */
function countingOrder(key: Int32Array, buckets: number): { order: Int32Array; start: Int32Array } {
  const start = new Int32Array(buckets + 1);
  for (const k of key) start[k + 1]++;
  for (let j = 0; j < buckets; j++) start[j + 1] += start[j];
  const next = start.slice(0, buckets);
  const order = new Int32Array(key.length);
  for (let i = 0; i < key.length; i++) order[next[key[i]]++] = i;
  return { order, start };
}
