import { UsageError } from '../errors.js';
import { sectionAs, type Container, type ContainerSectionInput } from '../io/container/index.js';
import { KernelIndex, type HnswOptions } from './kernel-index.js';
import type { SavedIndexMeta } from './persistence.js';
import { FLAG_FREE, X } from './kernel/layout.js';
import { runOnThreads } from './kernel/run-threads.js';

/** Adds of at least this many vectors (and ≥ 10 % of the index) are followed by a reorder. */
const REORDER_AFTER = 2000;
/** Queries one thread searches at once in a batch (see searchLanes). */
const SEARCH_LANES = 8;

/**
 * Approximate nearest-neighbour index: a Hierarchical Navigable Small World graph (Malkov &
 * Yashunin 2018) with hnswlib's neighbour-selection heuristic, built by worker threads on one
 * shared WebAssembly memory. Supports real deletion (slots reused, neighbours repaired), updates,
 * filtered search inside the graph traversal, and int8/binary traversal codes with exact re-ranking.
 */
export class HnswIndex extends KernelIndex {
  readonly type = 'hnsw';
  readonly m: number;
  readonly efConstruction: number;
  efSearch: number;
  readonly seed: number;
  private levelDraw: () => number;
  /** Levels drawn so far (saved, so that a loaded index continues the sequence instead of repeating it). */
  private levelsDrawn = 0;
  private poolUsed = 0;
  /** Upper levels reserved in the pool for each slot. */
  private allocLevels = new Uint8Array(0);

  constructor(options: HnswOptions) {
    const m = options.m ?? 16;
    const efc = options.efConstruction ?? 200;
    if (!Number.isInteger(m) || m < 2 || m > 256) throw new UsageError(`m must be an integer in 2..256, got ${m}`);
    if (!Number.isInteger(efc) || efc < 1 || efc > 100000) throw new UsageError(`efConstruction must be a positive integer, got ${efc}`);
    // int8 traversal codes by default (exact re-ranking keeps results and distances exact): faster
    // builds and searches than float traversal at the same recall, for dim extra bytes per vector.
    super({ ...options, quantize: options.quantize ?? (options.metric === 'hamming' ? 'none' : 'int8') }, m, efc);
    this.m = m;
    this.efConstruction = efc;
    this.efSearch = options.efSearch ?? 50;
    this.seed = options.seed ?? 100;
    this.levelDraw = KernelIndex.levelGenerator(this.seed, m);
  }

  private nextLevel(): number {
    this.levelsDrawn++;
    return this.levelDraw();
  }

  protected defaultEf(): number {
    return this.efSearch;
  }

  /**
   * Batches search 8 queries at once per thread, interleaved so that one query's memory requests
   * overlap the others' work (search_lanes in index.c; 4 measured 4–6 % slower, 3 about 10 %).
   */
  protected override searchLanes(): number {
    return SEARCH_LANES;
  }

  protected override reserve(count: number, slots: Int32Array): void {
    super.reserve(count, slots);
    const st = this.store;
    if (this.allocLevels.length < st.g.capacity) {
      const a = new Uint8Array(st.g.capacity);
      a.set(this.allocLevels);
      this.allocLevels = a;
    }
    // Levels of the new nodes and their upper-level link space.
    const levels = new Uint8Array(slots.length);
    let need = 0;
    for (let i = 0; i < slots.length; i++) {
      levels[i] = this.nextLevel();
      if (levels[i] > this.allocLevels[slots[i]]) need += levels[i] * (1 + this.m);
    }
    if (this.poolUsed + need > st.g.poolCap) st.grow(st.g.capacity, Math.max(this.poolUsed + need, st.g.poolCap * 2));
    const lv = st.u8(st.data.levels, st.g.capacity);
    const upper = st.i32(st.data.upper, st.g.capacity);
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

  protected async insertSlots(slots: Int32Array, parallel: boolean): Promise<void> {
    const st = this.store;
    const threads = parallel ? this.threads : 0;
    st.ensureThreads(threads + 1, this.threadSize(16, this.efConstruction));
    const list = this.scratchList(slots.length + 1);
    const counter = list + slots.length * 4;
    st.i32(list, slots.length).set(slots);
    st.i32(counter, 1)[0] = 0;
    if (!parallel) st.kernel.hnsw_insert_list(st.data.struct, st.threads[0].scratch, list, slots.length, counter);
    else await this.parallel(() => runOnThreads(st, threads, { op: 'insert', slots: list, n: slots.length, next: counter }));
    // A large batch changes the graph a lot: renumber for memory locality (see reorder).
    if (slots.length >= REORDER_AFTER && slots.length * 10 >= this.size) this.reorder();
  }

  protected repair(): void {
    const st = this.store;
    st.ensureThreads(1, this.threadSize(16, this.efConstruction));
    st.kernel.hnsw_repair(st.data.struct, st.threads[0].scratch);
  }

  protected runSearch(
    exact: boolean,
    scratch: number,
    queries: number,
    n: number,
    k: number,
    ef: number,
    allow: number,
    outI: number,
    outD: number,
  ): void {
    const st = this.store;
    if (exact) st.kernel.flat_search_batch(st.data.struct, scratch, queries, n, k, allow, outI, outD);
    else st.kernel.hnsw_search_batch(st.data.struct, scratch, queries, n, k, ef, allow, outI, outD);
  }

  protected override graphSections(): ContainerSectionInput[] {
    const st = this.store;
    const n = st.count;
    return [
      { name: 'levels', data: st.u8(st.data.levels, n) },
      { name: 'links0', data: st.i32(st.data.links0, n * (1 + st.g.M0)) },
      { name: 'upper', data: st.i32(st.data.upper, n) },
      { name: 'pool', data: st.i32(st.data.pool, this.poolUsed) },
    ];
  }

  protected override graphMeta(): Partial<SavedIndexMeta> {
    const x = this.store.struct();
    return {
      m: this.m,
      efConstruction: this.efConstruction,
      efSearch: this.efSearch,
      seed: this.seed,
      entry: x[X.entry],
      maxLevel: x[X.maxLevel],
      poolUsed: this.poolUsed,
      levelsDrawn: this.levelsDrawn,
    };
  }

  protected override restoreGraph(c: Container, m: SavedIndexMeta, fail: (problem: string) => Error): void {
    // continue the level sequence: restarting it gives the next nodes the levels of the first ones,
    // which measurably hurt recall (test/ann/hnsw.test.ts)
    const drawn = m.levelsDrawn ?? m.count; // files from before it was saved: one draw per slot
    // jump there in constant time (drawing them one by one took 15 s for a corrupt levelsDrawn of 10^9)
    if (drawn > this.levelsDrawn) {
      this.levelDraw = KernelIndex.levelGenerator(this.seed, this.m, drawn);
      this.levelsDrawn = drawn;
    }
    const st = this.store;
    const n = m.count;
    const M0 = st.g.M0;
    const poolUsed = m.poolUsed!;
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
      if (levels[s] > 30) throw fail(`slot ${s} has level ${levels[s]}`);
      checkList(links0, s * (1 + M0), M0, `slot ${s} level 0`);
      if (levels[s] > 0) {
        const u = upper[s];
        if (u < 0 || u + levels[s] * (1 + this.m) > poolUsed) throw fail(`slot ${s}: upper links out of range`);
        for (let l = 1; l <= levels[s]; l++) checkList(pool, u + (l - 1) * (1 + this.m), this.m, `slot ${s} level ${l}`);
      }
    }
    if (m.entry! < -1 || m.entry! >= n || (m.entry! >= 0 && levels[m.entry!] !== m.maxLevel))
      throw fail(`bad entry point ${m.entry} (level ${m.maxLevel})`);
    st.u8(st.data.levels, n).set(levels);
    st.i32(st.data.links0, n * (1 + M0)).set(links0);
    st.i32(st.data.upper, n).set(upper);
    st.i32(st.data.pool, poolUsed).set(pool);
    const x = st.struct();
    x[X.entry] = m.entry!;
    x[X.maxLevel] = m.maxLevel!;
    this.poolUsed = poolUsed;
    this.allocLevels = new Uint8Array(st.g.capacity);
    this.allocLevels.set(levels);
  }

  /**
   * Renumbers the nodes in breadth-first order of the level-0 graph from the entry point, so that
   * neighbours sit close together in memory: a search then touches fewer pages and cache lines
   * (graph reordering, Coleman et al. 2022). Results are unchanged. Called after large adds.
   */
  reorder(): void {
    this.compact(); // pending deletions hold slot numbers
    const st = this.store;
    const n = st.count;
    if (n < 2) return;
    const M0 = st.g.M0;
    const w = 1 + M0;
    const links0 = st.i32(st.data.links0, n * w);
    const flags = this.flags();
    const x = st.struct();
    const entry = x[X.entry];
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
    this.applyPermutation(newSlot, order);
  }

  private applyPermutation(newSlot: Int32Array, order: Int32Array): void {
    const st = this.store;
    const n = st.count;
    const w = 1 + st.g.M0;
    this.permuteSlots(newSlot, order);
    const links0 = st.i32(st.data.links0, n * w);
    for (let t = 0; t < n; t++) {
      const k = links0[t * w];
      for (let j = 1; j <= k; j++) links0[t * w + j] = newSlot[links0[t * w + j]];
    }
    const pool = st.i32(st.data.pool, this.poolUsed);
    const levels = st.u8(st.data.levels, n);
    const upper = st.i32(st.data.upper, n);
    for (let t = 0; t < n; t++) {
      for (let l = 1; l <= levels[t]; l++) {
        const at = upper[t] + (l - 1) * (1 + this.m);
        for (let j = 1; j <= pool[at]; j++) pool[at + j] = newSlot[pool[at + j]];
      }
    }
    const alloc = this.allocLevels.slice(0, n);
    for (let t = 0; t < n; t++) this.allocLevels[t] = alloc[order[t]];
    const x = st.struct();
    if (x[X.entry] >= 0) x[X.entry] = newSlot[x[X.entry]];
  }

  /** Graph facts: entry point level, nodes per level, average links on level 0. */
  graphStats(): { maxLevel: number; entry: number; levelCounts: number[]; meanDegree0: number } {
    const st = this.store;
    const x = st.struct();
    const lv = st.u8(st.data.levels, st.count);
    const links0 = st.i32(st.data.links0, st.count * (1 + st.g.M0));
    const levelCounts: number[] = [];
    let deg = 0;
    for (let s = 0; s < st.count; s++) {
      for (let l = 0; l <= lv[s]; l++) levelCounts[l] = (levelCounts[l] ?? 0) + 1;
      deg += links0[s * (1 + st.g.M0)];
    }
    return { maxLevel: x[X.maxLevel], entry: x[X.entry], levelCounts, meanDegree0: st.count ? deg / st.count : 0 };
  }
}
