import { Arena } from '../../kernels/arena.js';

/** int32 slots of the kernel's `Index` struct (src/kernels/c/index.c). */
export const X = {
  dim: 0,
  stride: 1,
  metric: 2,
  capacity: 3,
  count: 4,
  M: 5,
  M0: 6,
  efConstruction: 7,
  entry: 8,
  maxLevel: 9,
  vectors: 10,
  links0: 11,
  upper: 12,
  levels: 13,
  flags: 14,
  locks: 15,
  pool: 16,
  globalLock: 17,
  quant: 18,
  codes: 19,
  codeStride: 20,
  qOffset: 21,
  qScale: 22,
  codeSqnorm: 23,
  sqnorm: 24,
  concurrent: 25,
  codeErr: 26,
  codeNorm: 27,
  rot: 28,
  tDims: 29,
  restNorm: 30,
  nlist: 31,
  clusteredEnd: 32,
  cent: 33,
  clStart: 34,
  clR: 35,
  clMaxCe: 36,
  clMinSq: 37,
  clNorm: 38,
  rowE: 39,
  rowCe: 40,
  codeSum: 41,
} as const;
export const INDEX_STRUCT_BYTES = 256;
/** Most clusters a flat index groups its rows into. */
export const MAX_CLUSTERS = 1024;

/** int32 slots of the kernel's `Scratch` struct. */
export const S = {
  visited: 0,
  tag: 1,
  candD: 2,
  candI: 3,
  candCap: 4,
  resD: 5,
  resI: 6,
  resCap: 7,
  nbuf: 8,
  selD: 9,
  selI: 10,
  qbuf: 11,
  qcode: 12,
  qcMult: 13,
  qcAdd: 14,
  outI: 15,
  outD: 16,
  qbits: 17,
  statsDist: 18,
  rerank: 19,
  cq: 20,
  cd: 21,
  corder: 22,
  ckey: 23,
  statsRows: 24,
  fold: 25,
  foldAm: 26,
  lanes: 27,
  lanesBytes: 28,
  laneCount: 29,
  lanesClean: 30,
} as const;
const SCRATCH_STRUCT_BYTES = 128;

export const METRIC_CODE = { l2: 0, ip: 1, cosine: 2, hamming: 3 } as const;
export const QUANT_CODE = { none: 0, int8: 1, binary: 2 } as const;
export const FLAG_DELETED = 1;
export const FLAG_FREE = 2;

/** The shape of an index's storage. */
export interface Geometry {
  dim: number;
  /** Floats per row (dim rounded up to 4), or bytes per row for hamming. */
  stride: number;
  hamming: boolean;
  M: number;
  M0: number;
  capacity: number;
  /** int32 cells of the upper-level link pool. */
  poolCap: number;
  /** Bytes per code row (0 without quantization). */
  codeStride: number;
  keepVectors: boolean;
  /** Flat int8: codes in a principal-axes basis with two screening stages. */
  rotation: boolean;
  /** HNSW: queries of a batch searched at once on one thread (interleaved; 0 or 1 = one by one). */
  lanes: number;
}

/** Where the per-slot arrays live (byte offsets in the kernel memory). */
export interface DataLayout {
  struct: number;
  vectors: number;
  links0: number;
  upper: number;
  levels: number;
  flags: number;
  locks: number;
  pool: number;
  codes: number;
  codeSqnorm: number;
  codeErr: number;
  codeNorm: number;
  sqnorm: number;
  qOffset: number;
  qScale: number;
  /** Allow bitmap of filtered searches (one bit per slot). */
  allow: number;
  rot: number;
  restNorm: number;
  /** Flat clustering (with the rotation): centroids, cluster row offsets and bound terms. */
  cent: number;
  clStart: number;
  clR: number;
  clMaxCe: number;
  clMinSq: number;
  clNorm: number;
  rowE: number;
  rowCe: number;
  /** Sum of each row's first-stage codes (flat int8, relaxed-SIMD screen). */
  codeSum: number;
  end: number;
}

/** Bytes of one stored row. */
export function rowBytes(g: Geometry): number {
  return g.hamming ? g.stride : g.stride * 4;
}

/** Plans the data arrays from byte `start` (the module's reserved area comes first). */
export function planData(start: number, g: Geometry): DataLayout {
  const a = new Arena(start);
  const cap = g.capacity;
  const hasCodes = g.codeStride > 0;
  return {
    struct: a.alloc(INDEX_STRUCT_BYTES),
    vectors: g.keepVectors ? a.alloc(cap * rowBytes(g)) : 0,
    links0: a.alloc(cap * (1 + g.M0) * 4),
    upper: a.alloc(cap * 4),
    levels: a.alloc(cap),
    flags: a.alloc(cap),
    locks: a.alloc(cap * 4),
    pool: a.alloc(Math.max(1, g.poolCap) * 4),
    codes: hasCodes ? a.alloc(cap * g.codeStride) : 0,
    codeSqnorm: hasCodes ? a.alloc(cap * 4) : 0,
    codeErr: hasCodes ? a.alloc(cap * 4) : 0,
    codeNorm: hasCodes ? a.alloc(cap * 4) : 0,
    sqnorm: a.alloc(cap * 4),
    qOffset: a.alloc(Math.max(1, g.dim) * 4),
    qScale: a.alloc(Math.max(1, g.dim) * 4),
    allow: a.alloc(Math.ceil(cap / 8) + 16),
    rot: g.rotation ? a.alloc(g.dim * g.dim * 4) : 0,
    restNorm: g.rotation ? a.alloc(cap * 4) : 0,
    cent: g.rotation ? a.alloc(MAX_CLUSTERS * g.stride * 4) : 0,
    clStart: g.rotation ? a.alloc((MAX_CLUSTERS + 1) * 4) : 0,
    clR: g.rotation ? a.alloc(MAX_CLUSTERS * 4) : 0,
    clMaxCe: g.rotation ? a.alloc(MAX_CLUSTERS * 4) : 0,
    clMinSq: g.rotation ? a.alloc(MAX_CLUSTERS * 4) : 0,
    clNorm: g.rotation ? a.alloc(MAX_CLUSTERS * 4) : 0,
    rowE: g.rotation ? a.alloc(cap * 4) : 0,
    rowCe: g.rotation ? a.alloc(cap * 4) : 0,
    codeSum: hasCodes ? a.alloc(cap * 4) : 0,
    end: a.end, // evaluated after every allocation above
  };
}

/** Sizes of one thread's scratch area. */
export interface ScratchSize {
  /** Heap capacity for results (≥ ef and ≥ 4·k for flat search). */
  resCap: number;
  /** Queries per kernel call and k, for the input/output buffers. */
  chunk: number;
  k: number;
}

/** Offsets of one thread's scratch (struct and buffers), plus its stack top and io buffers. */
export interface ThreadArea {
  scratch: number;
  queries: number;
  outI: number;
  outD: number;
  stackTop: number;
  end: number;
}

const STACK_BYTES = 1 << 16;
/** LANES_MAX and LANE_LOG of index.c. */
const MAX_LANES = 8;
const LANE_LOG = 4096;

/** Plans one thread's area at `start` and fills in the Scratch struct pointers via `write`. */
export function planThread(start: number, g: Geometry, size: ScratchSize, write: (slot: number, value: number) => void): ThreadArea {
  const a = new Arena(start);
  const scratch = a.alloc(SCRATCH_STRUCT_BYTES);
  const candCap = size.resCap * 4 + g.M0 + 16;
  const selCap = size.resCap + g.M0 + 1;
  const ptr = (slot: number, bytes: number, align = 64) => {
    const at = a.alloc(bytes, align);
    write(slot, at);
    return at;
  };
  ptr(S.visited, g.capacity * 2);
  ptr(S.candD, candCap * 4);
  ptr(S.candI, candCap * 4);
  write(S.candCap, candCap);
  // one more than the capacity: heaps push before they pop
  ptr(S.resD, (size.resCap + 1) * 4);
  ptr(S.resI, (size.resCap + 1) * 4);
  write(S.resCap, size.resCap);
  // a link-list copy (1 + M0), the fresh neighbours of an expansion (M0), and repair candidates
  ptr(S.nbuf, (2 * (1 + g.M0) + size.resCap) * 4);
  ptr(S.selD, selCap * 4);
  ptr(S.selI, selCap * 4);
  ptr(S.qbuf, Math.max(16 * g.stride * 4, 64)); // 8 queries of the flat kernel, plus their rotations
  // 8 queries of the flat kernel: int16 codes interleaved, then one row per query, then 7-bit codes
  ptr(S.qcode, Math.max(16 * g.codeStride * 2 + 8 * g.codeStride, 16));
  ptr(S.qbits, Math.max(g.codeStride, 16));
  if (g.codeStride > 0) {
    // the heuristic's folded rows (up to M0) and the list owner's (add_link)
    ptr(S.fold, (g.M0 + 2) * g.codeStride * 2);
    ptr(S.foldAm, (g.M0 + 2) * 2 * 4);
  }
  if (g.rotation) {
    ptr(S.cq, 8 * MAX_CLUSTERS * 4);
    ptr(S.cd, 8 * MAX_CLUSTERS * 4);
    ptr(S.corder, MAX_CLUSTERS * 4);
    ptr(S.ckey, MAX_CLUSTERS * 4);
  }
  if (g.lanes > 1) {
    // interleaved batch search (search_lanes in index.c, whose lanes_carve mirrors these sizes)
    const lanes = Math.min(g.lanes, MAX_LANES);
    const r = (bytes: number) => Math.ceil(bytes / 64) * 64;
    const cs = Math.max(g.codeStride, 16);
    const lane = r(g.stride * 8) + r(cs * 2) + r(cs) + 2 * r(candCap * 4) + 3 * r((size.resCap + 1) * 4) + r(g.M0 * 4) + r(LANE_LOG * 4);
    const bytes = r(g.capacity) + lanes * lane;
    ptr(S.lanes, bytes);
    write(S.lanesBytes, bytes);
    write(S.laneCount, lanes);
  }
  write(S.tag, 0);
  const queries = a.alloc(size.chunk * rowBytes(g));
  const outI = a.alloc(size.chunk * size.k * 4);
  const outD = a.alloc(size.chunk * size.k * 4);
  const stackBase = a.alloc(STACK_BYTES, 16);
  return { scratch, queries, outI, outD, stackTop: stackBase + STACK_BYTES, end: a.end };
}

/** Bytes of the Scratch struct (for zeroing). */
export const SCRATCH_BYTES = SCRATCH_STRUCT_BYTES;
