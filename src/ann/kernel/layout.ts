import { Arena } from '../../kernels/arena.js';
import { SCRATCH, SCRATCH_BYTES } from './layout.generated.js';

export { CLUSTERS, CLUSTERS_BYTES, GRAPH, GRAPH_BYTES, SCRATCH, SCRATCH_BYTES, STORE, STORE_BYTES } from './layout.generated.js';

/** Most clusters a flat index groups its rows into. */
export const MAX_CLUSTERS = 1024;
export const METRIC_CODE = { l2: 0, ip: 1, cosine: 2, hamming: 3 } as const;
export const QUANT_CODE = { none: 0, int8: 1, binary: 2 } as const;
export const FLAG_DELETED = 1;
export const FLAG_FREE = 2;

/**
 * One array of a struct's region in kernel memory: `perSlot` bytes for each of the capacity's
 * slots plus `fixed` bytes, pointed to by int32 slot `slot` of the struct.
 */
export interface ArraySpec {
  slot: number;
  perSlot: number;
  fixed: number;
}

/**
 * A struct shared with the kernels and the arrays it points to (see kernel-memory.ts): the
 * store's, the HNSW graph's, the flat index's clusters.
 */
export interface RegionSpec {
  structBytes: number;
  /** The arrays for `capacity` slots (asked again whenever the memory is planned). */
  arrays(capacity: number): ArraySpec[];
}

/** An array sized per slot. */
export function perSlot(slot: number, bytes: number): ArraySpec {
  return { slot, perSlot: bytes, fixed: 0 };
}

/** An array of a fixed size. */
export function fixedArray(slot: number, bytes: number): ArraySpec {
  return { slot, perSlot: 0, fixed: bytes };
}

/** Sizes of one work area's buffers that depend on the call. */
export interface ScratchSize {
  /** Heap capacity for results (≥ ef, ≥ 8·(k + 1) for the flat scan's heaps). */
  resCap: number;
  /** Queries per kernel call and k, for the input/output buffers. */
  chunk: number;
  k: number;
}

/** What the work areas of one index must hold (fixed for its storage). */
export interface AreaShape {
  capacity: number;
  /** Floats per stored row (bytes for hamming) and bytes per row. */
  stride: number;
  rowBytes: number;
  /** Bytes per code row (0 without codes). */
  codeStride: number;
  /** HNSW: links on level 0, for the graph search buffers (0: no graph). */
  M0: number;
  /** HNSW: queries of a batch searched at once on one thread (interleaved; 0 or 1 = one by one). */
  lanes: number;
  /** Flat: buffers of the cluster visiting order. */
  clusters: boolean;
}

/** Offsets of one work area: the Scratch struct, its io buffers and filter bitmap, its stack. */
export interface ThreadArea {
  scratch: number;
  queries: number;
  outI: number;
  outD: number;
  /** Allow bitmap of a filtered search (one bit per slot). */
  allow: number;
  stackTop: number;
  end: number;
}

const STACK_BYTES = 1 << 16;
/** LANES_MAX and LANE_LOG of hnsw.c. */
const MAX_LANES = 8;
const LANE_LOG = 4096;

/**
 * Plans one work area at `start` and fills in the Scratch struct's pointers and sizes via `write`
 * (slot, value). Buffers the shape does not need are left out (their pointer stays 0).
 */
export function planArea(start: number, shape: AreaShape, size: ScratchSize, write: (slot: number, value: number) => void): ThreadArea {
  const S = SCRATCH;
  const a = new Arena(start);
  const scratch = a.alloc(SCRATCH_BYTES);
  const candCap = size.resCap * 4 + shape.M0 + 16;
  const selCap = size.resCap + shape.M0 + 1;
  const ptr = (slot: number, bytes: number, align = 64) => {
    const at = a.alloc(bytes, align);
    write(slot, at);
    return at;
  };
  // one more than the capacity: heaps push before they pop
  ptr(S.resD, (size.resCap + 1) * 4);
  ptr(S.resI, (size.resCap + 1) * 4);
  write(S.resCap, size.resCap);
  ptr(S.qbuf, Math.max(16 * shape.stride * 4, 64)); // 8 queries of the flat kernel, plus their rotations
  // 8 queries of the flat kernel: int16 codes interleaved, then one row per query, then 7-bit codes
  ptr(S.qcode, Math.max(16 * shape.codeStride * 2 + 8 * shape.codeStride, 16));
  ptr(S.qbits, Math.max(shape.codeStride, 16));
  if (shape.M0 > 0) {
    ptr(S.visited, shape.capacity * 2);
    ptr(S.candD, candCap * 4);
    ptr(S.candI, candCap * 4);
    write(S.candCap, candCap);
    // a link-list copy (1 + M0), the fresh neighbours of an expansion (M0), and repair candidates
    ptr(S.nbuf, (2 * (1 + shape.M0) + size.resCap) * 4);
    ptr(S.selD, selCap * 4);
    ptr(S.selI, selCap * 4);
    if (shape.codeStride > 0) {
      // the heuristic's folded rows (up to M0) and the list owner's (add_link)
      ptr(S.fold, (shape.M0 + 2) * shape.codeStride * 2);
      ptr(S.foldAm, (shape.M0 + 2) * 2 * 4);
    }
  }
  if (shape.clusters) {
    ptr(S.cq, 8 * MAX_CLUSTERS * 4);
    ptr(S.cd, 8 * MAX_CLUSTERS * 4);
    ptr(S.corder, MAX_CLUSTERS * 4);
    ptr(S.ckey, MAX_CLUSTERS * 4);
  }
  if (shape.lanes > 1) {
    // interleaved batch search (search_lanes in hnsw.c, whose lanes_carve mirrors these sizes)
    const lanes = Math.min(shape.lanes, MAX_LANES);
    const r = (bytes: number) => Math.ceil(bytes / 64) * 64;
    const cs = Math.max(shape.codeStride, 16);
    const lane =
      r(shape.stride * 8) + r(cs * 2) + r(cs) + 2 * r(candCap * 4) + 3 * r((size.resCap + 1) * 4) + r(shape.M0 * 4) + r(LANE_LOG * 4);
    const bytes = r(shape.capacity) + lanes * lane;
    ptr(S.lanes, bytes);
    write(S.lanesBytes, bytes);
    write(S.laneCount, lanes);
  }
  write(S.tag, 0);
  const queries = a.alloc(size.chunk * shape.rowBytes);
  const outI = a.alloc(size.chunk * size.k * 4);
  const outD = a.alloc(size.chunk * size.k * 4);
  const allow = a.alloc(Math.ceil(shape.capacity / 8) + 16);
  const stackBase = a.alloc(STACK_BYTES, 16);
  return { scratch, queries, outI, outD, allow, stackTop: stackBase + STACK_BYTES, end: a.end };
}
