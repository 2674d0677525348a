import { KernelThreads } from '../kernels/kernel-threads.js';
import { instantiateKernel, kernelModule } from '../kernels/wasm.js';
import { ProjectMemory } from './kernel.js';

/** The exports of src/kernels/tsne-bh.wasm (src/kernels/c/tsne-bh.c). Offsets are bytes. */
export interface TsneBhKernel extends WebAssembly.Exports {
  tsne_bh_build(Y: number, dims: number, n: number, nodes: number, capacity: number, order: number, scratch: number): number;
  tsne_bh_forces(
    Y: number,
    dims: number,
    begin: number,
    end: number,
    rowptr: number,
    cols: number,
    pv: number,
    nodes: number,
    order: number,
    theta: number,
    attr: number,
    rep: number,
  ): number;
  tsne_bh_update(
    Y: number,
    dims: number,
    begin: number,
    end: number,
    attr: number,
    rep: number,
    exaggeration: number,
    repScale: number,
    gains: number,
    update: number,
    momentum: number,
    lr: number,
    minGain: number,
  ): number;
  tsne_bh_steps(
    Y: number,
    dims: number,
    n: number,
    rowptr: number,
    cols: number,
    pv: number,
    nodes: number,
    capacity: number,
    order: number,
    scratch: number,
    theta: number,
    attr: number,
    rep: number,
    exaggeration: number,
    gains: number,
    update: number,
    momentum: number,
    lr: number,
    minGain: number,
    steps: number,
  ): number;
}

export type TsneBhFn = 'tsne_bh_build' | 'tsne_bh_forces' | 'tsne_bh_update' | 'tsne_bh_steps';

/** Bytes of one tree cell (the C struct Node: centre[3], half, com[3], count, child, point). */
export const TREE_NODE_BYTES = 40;

/**
 * Cells reserved for the tree of n points in `dims` dimensions. A split uses 2^dims cells and
 * happens at most once per inserted point plus once per extra level two close points need; twice
 * the points leaves room for the chains of clustered layouts (beyond it points share a leaf).
 */
export function treeCapacity(n: number, dims: number): number {
  return (1 << dims) * (2 * n + 16) + 1;
}

/** Rows that share one tree walk (GROUP in tsne-bh.c): thread ranges start at multiples of it. */
export const WALK_GROUP = 32;

/** Splits the n positions of the Morton order into `parts` ranges that start at multiples of {@link WALK_GROUP}. */
export function groupRanges(n: number, parts: number): Array<[number, number]> {
  const per = Math.ceil(Math.ceil(n / WALK_GROUP) / parts) * WALK_GROUP;
  return Array.from({ length: parts }, (_, t) => [Math.min(n, t * per), Math.min(n, (t + 1) * per)] as [number, number]);
}

/** Worker threads running the Barnes-Hut t-SNE kernel on `mem`. */
export function tsneBhThreads(mem: ProjectMemory<unknown>): KernelThreads<TsneBhFn> {
  return new KernelThreads<TsneBhFn>(kernelModule('tsne-bh'), mem.memory, mem.stackTops, 't-SNE');
}

/**
 * The repulsive half of the t-SNE gradient of the layout `y` (n × dims) by Barnes-Hut with
 * opening angle `theta`, computed on this thread: F_i = Σ_j w_ij²(y_i − y_j) (unnormalised,
 * n × dims) and Z = Σ_{i≠j} w_ij with w = 1 / (1 + ‖y_i − y_j‖²). For checks and small layouts
 * (the optimisation runs the same kernel on worker threads).
 */
export function barnesHutRepulsion(y: Float32Array, n: number, dims: 2 | 3, theta: number): { forces: Float32Array; z: number } {
  const capacity = treeCapacity(n, dims);
  const mem = new ProjectMemory(1, (a) => ({
    Y: a.alloc(n * dims * 4),
    rowptr: a.alloc((n + 1) * 4),
    attr: a.alloc(n * dims * 4),
    rep: a.alloc(n * dims * 4),
    nodes: a.alloc(capacity * TREE_NODE_BYTES),
    order: a.alloc(n * 4),
    scratch: a.alloc(3 * n * 4),
  }));
  const L = mem.layout;
  mem.f32(L.Y, n * dims).set(y);
  const k = instantiateKernel<TsneBhKernel>(kernelModule('tsne-bh'), mem.memory, mem.stackTops[0]);
  k.tsne_bh_build(L.Y, dims, n, L.nodes, capacity, L.order, L.scratch);
  // an empty P (all row pointers 0): the attraction is 0 and only the repulsion is computed
  const z = k.tsne_bh_forces(L.Y, dims, 0, n, L.rowptr, 0, 0, L.nodes, L.order, theta, L.attr, L.rep);
  return { forces: mem.f32(L.rep, n * dims).slice(), z };
}
