import { UsageError } from '../errors.js';
import { sectionAs, type Container, type ContainerSectionInput } from '../io/container/index.js';
import { mulberry32 } from '../math/random.js';
import type { KernelSearch } from './kernel/index-kernel.js';
import { fixedArray, FLAG_FREE, GRAPH, GRAPH_BYTES, perSlot, type ScratchSize } from './kernel/layout.js';
import { runOnThreads } from './kernel/run-threads.js';
import { permuteInPlace } from './slots.js';
import { CHUNK, type StoreKind, type VectorStore } from './vector-store.js';

const MAX_LEVEL = 30;
/** Queries one thread searches at once in a batch (see search_lanes in hnsw.c; 4 measured 4–6 % slower, 3 about 10 %). */
const SEARCH_LANES = 8;

/** HNSW settings stored in a saved index's metadata. */
export interface GraphMeta {
  m: number;
  efConstruction: number;
  efSearch: number;
  seed: number;
  entry: number;
  maxLevel: number;
  poolUsed: number;
  /** Level draws made so far (absent in older files: one draw per slot). */
  levelsDrawn?: number;
}

/** Level of each new HNSW node (hnswlib's rule), after `skip` levels already drawn. */
function levelGenerator(seed: number, m: number, skip = 0): () => number {
  const rnd = mulberry32(seed, skip);
  const mult = 1 / Math.log(m);
  return () => Math.min(MAX_LEVEL, Math.floor(-Math.log(1 - rnd()) * mult));
}

/**
 * The HNSW graph of an index, kept next to its vector store in the same kernel memory: link lists
 * (level 0 per slot, upper levels in a pool), node levels, per-node locks, the entry point. It
 * inserts the store's slots (on this thread or on worker threads), repairs around removed nodes,
 * renumbers the nodes for locality, and says how the kernel searches it.
 */
export class HnswGraph {
  readonly m: number;
  readonly efConstruction: number;
  readonly seed: number;
  private levelDraw: () => number;
  /** Levels drawn so far (saved, so that a loaded index continues the sequence instead of repeating it). */
  private levelsDrawn = 0;
  /** int32 cells of the upper-level pool allocated, and used. */
  private poolCap = 1024;
  private poolUsed = 0;
  /** Upper levels reserved in the pool for each slot. */
  private allocLevels = new Uint8Array(0);
  private store!: VectorStore;

  constructor(m: number, efConstruction: number, seed: number) {
    if (!Number.isInteger(m) || m < 2 || m > 256) throw new UsageError(`m must be an integer in 2..256, got ${m}`);
    if (!Number.isInteger(efConstruction) || efConstruction < 1 || efConstruction > 100000)
      throw new UsageError(`efConstruction must be a positive integer, got ${efConstruction}`);
    this.m = m;
    this.efConstruction = efConstruction;
    this.seed = seed;
    this.levelDraw = levelGenerator(seed, m);
  }

  /** What the store lays out for the graph: its struct and arrays, and the work areas' graph buffers. */
  kind(): StoreKind {
    const M0 = 2 * this.m;
    return {
      region: {
        structBytes: GRAPH_BYTES,
        arrays: () => [
          perSlot(GRAPH.links0, (1 + M0) * 4),
          perSlot(GRAPH.upper, 4),
          perSlot(GRAPH.levels, 1),
          perSlot(GRAPH.locks, 4),
          fixedArray(GRAPH.pool, Math.max(1, this.poolCap) * 4),
        ],
      },
      M0,
      lanes: SEARCH_LANES,
      clusters: false,
      rotation: false,
    };
  }

  /** Binds the graph to the store created with {@link kind}. */
  attach(store: VectorStore): void {
    this.store = store;
    const x = this.struct();
    x[GRAPH.M] = this.m;
    x[GRAPH.M0] = 2 * this.m;
    x[GRAPH.efConstruction] = this.efConstruction;
    x[GRAPH.entry] = -1;
    x[GRAPH.maxLevel] = 0;
  }

  private struct(): Int32Array {
    return this.store.kindRegion.struct();
  }

  private ptr(slot: number): number {
    return this.store.kindRegion.ptr(slot);
  }

  private nextLevel(): number {
    this.levelsDrawn++;
    return this.levelDraw();
  }

  /** Work-area sizes of a search with k and ef, or of inserts and repairs (which need efConstruction). */
  areaSize(k: number, ef: number): ScratchSize {
    return { resCap: Math.max(64, ef, 8 * (k + 1), this.efConstruction), chunk: CHUNK, k: Math.max(k, 16) };
  }

  /** How the kernel searches the graph (or, `exact`, scans the store without it). */
  search(k: number, ef: number, rerank: boolean, exact: boolean): KernelSearch {
    const store = this.store.region.at;
    return exact ? { op: 'flat', store, kind: 0, k, ef, rerank } : { op: 'hnsw', store, kind: this.store.kindRegion.at, k, ef, rerank };
  }

  /** Draws the levels of new nodes in `slots` and reserves their upper-level links in the pool. */
  reserve(slots: Int32Array): void {
    const st = this.store;
    if (this.allocLevels.length < st.capacity) {
      const a = new Uint8Array(st.capacity);
      a.set(this.allocLevels);
      this.allocLevels = a;
    }
    const levels = new Uint8Array(slots.length);
    let need = 0;
    for (let i = 0; i < slots.length; i++) {
      levels[i] = this.nextLevel();
      if (levels[i] > this.allocLevels[slots[i]]) need += levels[i] * (1 + this.m);
    }
    if (this.poolUsed + need > this.poolCap) {
      this.poolCap = Math.max(this.poolUsed + need, this.poolCap * 2);
      st.grow(st.capacity);
    }
    const lv = st.mem.u8(this.ptr(GRAPH.levels), st.capacity);
    const upper = st.mem.i32(this.ptr(GRAPH.upper), st.capacity);
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i];
      lv[s] = levels[i];
      if (levels[i] > this.allocLevels[s]) {
        upper[s] = this.poolUsed;
        this.poolUsed += levels[i] * (1 + this.m);
        this.allocLevels[s] = levels[i];
      } else if (this.allocLevels[s] === 0) upper[s] = -1;
    }
  }

  /** Inserts the stored `slots` on this thread. */
  insertHere(slots: Int32Array): void {
    const st = this.store;
    const area = st.mem.work.leaseArea(this.areaSize(16, this.efConstruction));
    const list = st.mem.work.leaseBytes((slots.length + 1) * 4);
    try {
      const counter = list + slots.length * 4;
      st.mem.i32(list, slots.length).set(slots);
      st.mem.i32(counter, 1)[0] = 0;
      st.mem.kernel.hnsw_insert_list(st.region.at, st.kindRegion.at, area.scratch, list, slots.length, counter);
    } finally {
      st.mem.work.release(list);
      st.mem.work.release(area.scratch);
    }
  }

  /**
   * Inserts the stored `slots` on the store's worker threads. Meanwhile searches on this thread
   * read link lists under the node locks (the kernel's `concurrent` flag).
   */
  async insertOnWorkers(slots: Int32Array): Promise<void> {
    const st = this.store;
    const areas = st.leaseAreas(st.threads, this.areaSize(16, this.efConstruction));
    let list = 0;
    try {
      list = st.mem.work.leaseBytes((slots.length + 1) * 4);
      const counter = list + slots.length * 4;
      st.mem.i32(list, slots.length).set(slots);
      st.mem.i32(counter, 1)[0] = 0;
      Atomics.store(this.struct(), GRAPH.concurrent, 1);
      await runOnThreads(st.mem.memory, areas, {
        op: 'insert',
        store: st.region.at,
        graph: st.kindRegion.at,
        slots: list,
        n: slots.length,
        next: counter,
      });
    } finally {
      Atomics.store(this.struct(), GRAPH.concurrent, 0);
      if (list) st.mem.work.release(list);
      for (const a of areas) st.mem.work.release(a.scratch);
    }
  }

  /** Repairs the links around the store's removed nodes (they become free slots). */
  repair(): void {
    const st = this.store;
    const area = st.mem.work.leaseArea(this.areaSize(16, this.efConstruction));
    try {
      st.mem.kernel.hnsw_repair(st.region.at, st.kindRegion.at, area.scratch);
    } finally {
      st.mem.work.release(area.scratch);
    }
  }

  /**
   * Renumbers the nodes in breadth-first order of the level-0 graph from the entry point, so that
   * neighbours sit close together in memory: a search then touches fewer pages and cache lines
   * (graph reordering, Coleman et al. 2022). Results are unchanged. No removal may be pending.
   */
  reorder(): void {
    const st = this.store;
    const n = st.count;
    if (n < 2) return;
    const M0 = 2 * this.m;
    const w = 1 + M0;
    const links0 = st.mem.i32(this.ptr(GRAPH.links0), n * w);
    const flags = st.flags();
    const entry = this.struct()[GRAPH.entry];
    // BFS order of the live nodes, then any unreached ones, then free slots
    const newSlot = new Int32Array(n).fill(-1);
    const order = new Int32Array(n);
    let head = 0;
    let tail = 0;
    const visit = (s: number) => {
      newSlot[s] = tail;
      order[tail++] = s;
    };
    if (entry >= 0) visit(entry);
    for (let start = 0; start < n; start++) {
      if (newSlot[start] >= 0 || flags[start] & FLAG_FREE) continue;
      if (head === tail) visit(start);
      while (head < tail) {
        const u = order[head++];
        const k = links0[u * w];
        for (let j = 1; j <= k; j++) {
          const v = links0[u * w + j];
          if (newSlot[v] < 0) visit(v);
        }
      }
    }
    for (let s = 0; s < n; s++) if (newSlot[s] < 0) visit(s);
    st.permute(newSlot, order);
    this.permute(newSlot, order);
  }

  /** Moves the graph's per-slot arrays along with the store's (see VectorStore.permute) and renumbers the links. */
  private permute(newSlot: Int32Array, order: Int32Array): void {
    const st = this.store;
    const n = st.count;
    const w = 1 + 2 * this.m;
    const mem = st.mem;
    permuteInPlace(mem.u8(this.ptr(GRAPH.levels), n), 1, order);
    permuteInPlace(mem.i32(this.ptr(GRAPH.upper), n), 1, order);
    const links0 = mem.i32(this.ptr(GRAPH.links0), n * w);
    permuteInPlace(links0, w, order);
    for (let t = 0; t < n; t++) {
      const k = links0[t * w];
      for (let j = 1; j <= k; j++) links0[t * w + j] = newSlot[links0[t * w + j]];
    }
    const pool = mem.i32(this.ptr(GRAPH.pool), this.poolUsed);
    const levels = mem.u8(this.ptr(GRAPH.levels), n);
    const upper = mem.i32(this.ptr(GRAPH.upper), n);
    for (let t = 0; t < n; t++) {
      for (let l = 1; l <= levels[t]; l++) {
        const at = upper[t] + (l - 1) * (1 + this.m);
        for (let j = 1; j <= pool[at]; j++) pool[at + j] = newSlot[pool[at + j]];
      }
    }
    const alloc = this.allocLevels.slice(0, n);
    for (let t = 0; t < n; t++) this.allocLevels[t] = alloc[order[t]];
    const x = this.struct();
    if (x[GRAPH.entry] >= 0) x[GRAPH.entry] = newSlot[x[GRAPH.entry]];
  }

  /** Whether the graph has an entry point (it holds at least one node). */
  get empty(): boolean {
    return this.struct()[GRAPH.entry] < 0;
  }

  /** Graph facts: entry point level, nodes per level, average links on level 0. */
  stats(): { maxLevel: number; entry: number; levelCounts: number[]; meanDegree0: number } {
    const st = this.store;
    const x = this.struct();
    const w = 1 + 2 * this.m;
    const lv = st.mem.u8(this.ptr(GRAPH.levels), st.count);
    const links0 = st.mem.i32(this.ptr(GRAPH.links0), st.count * w);
    const levelCounts: number[] = [];
    let deg = 0;
    for (let s = 0; s < st.count; s++) {
      for (let l = 0; l <= lv[s]; l++) levelCounts[l] = (levelCounts[l] ?? 0) + 1;
      deg += links0[s * w];
    }
    return { maxLevel: x[GRAPH.maxLevel], entry: x[GRAPH.entry], levelCounts, meanDegree0: st.count ? deg / st.count : 0 };
  }

  // ------------------------------------------------------------------------------ persistence
  /** The graph's sections of a saved index and its settings (efSearch is the index's). */
  sections(): { sections: ContainerSectionInput[]; meta: Omit<GraphMeta, 'efSearch'> } {
    const st = this.store;
    const n = st.count;
    const x = this.struct();
    return {
      sections: [
        { name: 'levels', data: st.mem.u8(this.ptr(GRAPH.levels), n) },
        { name: 'links0', data: st.mem.i32(this.ptr(GRAPH.links0), n * (1 + 2 * this.m)) },
        { name: 'upper', data: st.mem.i32(this.ptr(GRAPH.upper), n) },
        { name: 'pool', data: st.mem.i32(this.ptr(GRAPH.pool), this.poolUsed) },
      ],
      meta: {
        m: this.m,
        efConstruction: this.efConstruction,
        seed: this.seed,
        entry: x[GRAPH.entry],
        maxLevel: x[GRAPH.maxLevel],
        poolUsed: this.poolUsed,
        levelsDrawn: this.levelsDrawn,
      },
    };
  }

  /** Makes room for a saved graph's pool before the store is loaded (one re-plan at most). */
  reservePool(cells: number): void {
    if (cells <= this.poolCap) return;
    this.poolCap = cells;
    this.store.grow(this.store.capacity);
  }

  /** Loads a saved graph (after the store's rows), checking that every link points at a slot of the file. */
  restore(c: Container, m: GraphMeta & { count: number }, fail: (problem: string) => Error): void {
    // continue the level sequence: restarting it gives the next nodes the levels of the first ones,
    // which measurably hurt recall (test/ann/hnsw.test.ts)
    const drawn = m.levelsDrawn ?? m.count; // files from before it was saved: one draw per slot
    // jump there in constant time (drawing them one by one took 15 s for a corrupt levelsDrawn of 10^9)
    if (drawn > this.levelsDrawn) {
      this.levelDraw = levelGenerator(this.seed, this.m, drawn);
      this.levelsDrawn = drawn;
    }
    const st = this.store;
    const n = m.count;
    const M0 = 2 * this.m;
    const poolUsed = m.poolUsed;
    const get = <T extends { length: number }>(name: string, type: Parameters<typeof sectionAs<T>>[2], length: number): T => {
      const a = sectionAs(c, name, type);
      if (a.length !== length) throw fail(`section '${name}' has ${a.length} elements, expected ${length}`);
      return a;
    };
    const levels = get<Uint8Array>('levels', Uint8Array, n);
    const links0 = get<Int32Array>('links0', Int32Array, n * (1 + M0));
    const upper = get<Int32Array>('upper', Int32Array, n);
    const pool = get<Int32Array>('pool', Int32Array, poolUsed);
    // Every link must point at a slot of this file: a bad one would send searches astray.
    const checkList = (list: Int32Array, at: number, max: number, where: string) => {
      const k = list[at];
      if (k < 0 || k > max) throw fail(`${where} has ${k} links (max ${max})`);
      for (let j = 1; j <= k; j++)
        if (list[at + j] < 0 || list[at + j] >= n) throw fail(`${where} links to slot ${list[at + j]} (of ${n})`);
    };
    for (let s = 0; s < n; s++) {
      if (levels[s] > MAX_LEVEL) throw fail(`slot ${s} has level ${levels[s]}`);
      checkList(links0, s * (1 + M0), M0, `slot ${s} level 0`);
      if (levels[s] > 0) {
        const u = upper[s];
        if (u < 0 || u + levels[s] * (1 + this.m) > poolUsed) throw fail(`slot ${s}: upper links out of range`);
        for (let l = 1; l <= levels[s]; l++) checkList(pool, u + (l - 1) * (1 + this.m), this.m, `slot ${s} level ${l}`);
      }
    }
    if (m.entry < -1 || m.entry >= n || (m.entry >= 0 && levels[m.entry] !== m.maxLevel))
      throw fail(`bad entry point ${m.entry} (level ${m.maxLevel})`);
    this.reservePool(poolUsed);
    st.mem.u8(this.ptr(GRAPH.levels), n).set(levels);
    st.mem.i32(this.ptr(GRAPH.links0), n * (1 + M0)).set(links0);
    st.mem.i32(this.ptr(GRAPH.upper), n).set(upper);
    st.mem.i32(this.ptr(GRAPH.pool), poolUsed).set(pool);
    const x = this.struct();
    x[GRAPH.entry] = m.entry;
    x[GRAPH.maxLevel] = m.maxLevel;
    this.poolUsed = poolUsed;
    this.allocLevels = new Uint8Array(st.capacity);
    this.allocLevels.set(levels);
  }
}
