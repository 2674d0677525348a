import { sectionAs, type Container, type ContainerSectionInput } from '../io/container/index.js';
import { CLUSTERS, CLUSTERS_BYTES, fixedArray, MAX_CLUSTERS, perSlot, type ArraySpec } from './kernel/layout.js';
import { kmeansSteps, runSteps, runStepsAsync, type KmeansResult } from './kmeans.js';
import { countingOrder, forEachRun } from './slots.js';
import { CHUNK, type Queries, type StoreKind, type VectorStore } from './vector-store.js';

/** Indexes with at least this many vectors group their rows into clusters. */
const MIN_CLUSTER_ROWS = 4096;
/** Re-cluster when the rows added since the last clustering reach this share of the clustered ones. */
const RECLUSTER_TAIL = 0.25;

/** Flat settings stored in a saved index's metadata. */
export interface ClustersMeta {
  /** Clusters of the rows and the rows they cover (absent: none). */
  nlist?: number;
  clusteredEnd?: number;
}

/**
 * The clusters of a flat index, kept next to its vector store in the same kernel memory: k-means
 * centroids (about √n), the rows renumbered so that each cluster's rows are contiguous, and the
 * bound terms with which the exact scan skips whole clusters and rows (flat-search.c). Only with
 * rotated codes (`enabled`, the screen the bounds work with); otherwise the scan is plain.
 */
export class FlatClusters {
  private store!: VectorStore;

  /** `stride`: floats per stored row (the centroids' rows). */
  constructor(
    readonly enabled: boolean,
    private readonly stride: number,
  ) {}

  /** What the store lays out for the clusters: their struct and arrays, and the work areas' cluster buffers. */
  kind(): StoreKind {
    const { enabled, stride } = this;
    return {
      region: {
        structBytes: CLUSTERS_BYTES,
        arrays: (): ArraySpec[] =>
          enabled
            ? [
                fixedArray(CLUSTERS.cent, MAX_CLUSTERS * stride * 4),
                fixedArray(CLUSTERS.clStart, (MAX_CLUSTERS + 1) * 4),
                fixedArray(CLUSTERS.clR, MAX_CLUSTERS * 4),
                fixedArray(CLUSTERS.clMaxce, MAX_CLUSTERS * 4),
                fixedArray(CLUSTERS.clMinsq, MAX_CLUSTERS * 4),
                fixedArray(CLUSTERS.clNorm, MAX_CLUSTERS * 4),
                perSlot(CLUSTERS.rowE, 4),
                perSlot(CLUSTERS.rowCe, 4),
              ]
            : [],
      },
      M0: 0,
      lanes: 0,
      clusters: enabled,
      rotation: enabled,
    };
  }

  /** Binds the clusters to the store created with {@link kind}. */
  attach(store: VectorStore): void {
    this.store = store;
  }

  private struct(): Int32Array {
    return this.store.kindRegion.struct();
  }

  private get at(): number {
    return this.store.kindRegion.at;
  }

  /** Clusters of the stored rows (0 when the rows are not clustered). */
  get count(): number {
    return this.struct()[CLUSTERS.nlist];
  }

  /**
   * Rows written into the clustered range (reused or updated slots) loosen their cluster's bounds
   * (the kernel ignores rows past the clustered range, the unclustered tail).
   */
  rowsWritten(slots: Int32Array): void {
    const st = this.store;
    if (this.count > 0) forEachRun(slots, (first, n) => st.mem.kernel.flat_cluster_rows(st.region.at, this.at, first, n));
  }

  /** Whether the index is large enough to cluster and unclustered, or has a large unclustered tail. */
  get due(): boolean {
    const st = this.store;
    if (!this.enabled || st.size < MIN_CLUSTER_ROWS) return false;
    const x = this.struct();
    const clustered = x[CLUSTERS.nlist] > 0 ? x[CLUSTERS.clusteredEnd] : 0;
    return clustered === 0 || st.count - clustered > RECLUSTER_TAIL * clustered;
  }

  /**
   * Groups the rows by k-means clusters (about √n of them): renumbers the slots so that each
   * cluster's rows are contiguous (the live rows first, free slots last) and computes each row's
   * and cluster's bound terms. Results are unchanged; only the scan gets faster. No removal may be
   * pending (they hold slot numbers).
   */
  cluster(): void {
    const plan = this.plan();
    if (plan) this.apply(plan.live, runSteps(plan.steps));
  }

  /** {@link cluster} with turns for the event loop between the k-means steps. */
  async clusterAsync(): Promise<void> {
    const plan = this.plan();
    if (plan) this.apply(plan.live, await runStepsAsync(plan.steps));
  }

  private plan(): { live: Int32Array; steps: Generator<void, KmeansResult, void> } | undefined {
    const live = this.store.liveSlots();
    if (live.length < 2) return undefined;
    const nlist = Math.min(MAX_CLUSTERS, Math.max(2, Math.round(Math.sqrt(live.length))));
    return { live, steps: kmeansSteps(this.store, live, nlist) };
  }

  private apply(live: Int32Array, { centroids, assignment }: KmeansResult): void {
    const st = this.store;
    const n = st.count;
    const nlist = centroids.length / this.stride;
    const order = new Int32Array(n);
    const { order: byCluster, start } = countingOrder(assignment, nlist);
    for (let i = 0; i < live.length; i++) order[i] = live[byCluster[i]];
    let tail = live.length;
    const isLive = new Uint8Array(n);
    for (const s of live) isLive[s] = 1;
    for (let s = 0; s < n; s++) if (!isLive[s]) order[tail++] = s;
    const newSlot = new Int32Array(n);
    for (let t = 0; t < n; t++) newSlot[order[t]] = t;
    st.permute(newSlot, order);
    this.install(centroids, start, live.length);
  }

  /** Installs clusters over rows [0, clusteredEnd) and computes their bound terms. */
  private install(centroids: Float32Array, start: Int32Array, clusteredEnd: number): void {
    const st = this.store;
    const r = st.kindRegion;
    const nlist = start.length - 1;
    st.mem.f32(r.ptr(CLUSTERS.cent), centroids.length).set(centroids);
    st.mem.i32(r.ptr(CLUSTERS.clStart), nlist + 1).set(start);
    const x = this.struct();
    x[CLUSTERS.nlist] = nlist;
    x[CLUSTERS.clusteredEnd] = clusteredEnd;
    st.mem.kernel.flat_cluster_reset(st.region.at, this.at);
    st.mem.kernel.flat_cluster_rows(st.region.at, this.at, 0, clusteredEnd);
  }

  /** Queries sorted by their nearest centroid, so that a block of eight wants the same clusters (undefined: keep the order). */
  queryOrder(q: Queries): Int32Array | undefined {
    const nlist = this.count;
    if (nlist === 0 || q.n < 16) return undefined;
    const st = this.store;
    const mem = st.mem;
    const rb = st.rowBytes;
    const near = new Int32Array(q.n);
    const area = mem.work.leaseArea({ resCap: 0, chunk: CHUNK, k: 1 });
    try {
      for (let q0 = 0; q0 < q.n; q0 += CHUNK) {
        const n = Math.min(CHUNK, q.n - q0);
        mem.u8(area.queries, n * rb).set(q.bytes.subarray(q0 * rb, (q0 + n) * rb));
        mem.kernel.flat_query_clusters(st.region.at, this.at, area.scratch, area.queries, n, area.outI);
        near.set(mem.i32(area.outI, n), q0);
      }
    } finally {
      mem.work.release(area.scratch);
    }
    return countingOrder(near, nlist).order;
  }

  // ------------------------------------------------------------------------------ persistence
  sections(): { sections: ContainerSectionInput[]; meta: ClustersMeta } {
    const nlist = this.count;
    if (nlist === 0) return { sections: [], meta: {} };
    const st = this.store;
    const r = st.kindRegion;
    return {
      sections: [
        { name: 'centroids', data: st.mem.f32(r.ptr(CLUSTERS.cent), nlist * this.stride) },
        { name: 'cluster_start', data: st.mem.i32(r.ptr(CLUSTERS.clStart), nlist + 1) },
      ],
      meta: { nlist, clusteredEnd: this.struct()[CLUSTERS.clusteredEnd] },
    };
  }

  /** Loads saved clusters (after the store's rows, norms and codes), checking them. */
  restore(c: Container, m: ClustersMeta & { count: number }, fail: (problem: string) => Error): void {
    const nlist = m.nlist ?? 0;
    if (nlist === 0) return;
    if (!this.enabled) throw fail('clusters are stored but this index type has none');
    if (!Number.isSafeInteger(nlist) || nlist < 1 || nlist > MAX_CLUSTERS) throw fail(`bad cluster count ${JSON.stringify(nlist)}`);
    const end = m.clusteredEnd;
    if (!Number.isSafeInteger(end) || (end as number) < 0 || (end as number) > m.count)
      throw fail(`bad clustered row count ${JSON.stringify(end)}`);
    const centroids = sectionAs(c, 'centroids', Float32Array);
    const start = sectionAs(c, 'cluster_start', Int32Array);
    if (centroids.length !== nlist * this.stride)
      throw fail(`section 'centroids' has ${centroids.length} values, expected ${nlist * this.stride}`);
    if (start.length !== nlist + 1) throw fail(`section 'cluster_start' has ${start.length} values, expected ${nlist + 1}`);
    if (start[0] !== 0 || start[nlist] !== end) throw fail(`section 'cluster_start' does not cover rows 0..${end}`);
    for (let j = 0; j < nlist; j++) if (start[j + 1] < start[j]) throw fail(`section 'cluster_start' decreases at cluster ${j}`);
    for (const v of centroids) if (!Number.isFinite(v)) throw fail("section 'centroids' holds a non-finite value");
    this.install(centroids, start, end as number);
  }
}
