import { Arena } from '../kernels/arena.js';
import { KernelThreads } from '../kernels/kernel-threads.js';
import { instantiateKernel, kernelModule, sharedMemory } from '../kernels/wasm.js';

/** The exports of src/kernels/project.wasm (src/kernels/c/project.c). */
export interface ProjectKernel extends WebAssembly.Exports {
  pj_col_sums(X: number, dp: number, begin: number, end: number, sums: number): void;
  pj_center(X: number, dp: number, begin: number, end: number, mean: number): number;
  pj_power_step(X: number, dp: number, begin: number, end: number, V: number, lp: number, Y: number, Z: number, block: number): void;
  tsne_calibrate(D: number, k: number, begin: number, end: number, perplexity: number, P: number): void;
  tsne_forces(
    Y: number,
    dims: number,
    n: number,
    begin: number,
    end: number,
    rowptr: number,
    cols: number,
    pv: number,
    negatives: number,
    rng: number,
    attr: number,
    rep: number,
  ): number;
  tsne_update(
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
  umap_epoch(
    Y: number,
    dims: number,
    n: number,
    head: number,
    tail: number,
    epochsPerSample: number,
    nextSample: number,
    epochsPerNegative: number,
    nextNegative: number,
    begin: number,
    end: number,
    epoch: number,
    a: number,
    b: number,
    gamma: number,
    alpha: number,
    rng: number,
  ): number;
}

/** The names of the kernel's exports that the threads call. */
export type ProjectKernelFn =
  'pj_col_sums' | 'pj_center' | 'pj_power_step' | 'tsne_calibrate' | 'tsne_forces' | 'tsne_update' | 'umap_epoch';

const STACK = 64 << 10;

/**
 * Plans one shared kernel memory for a projection: `plan` allocates the method's arrays on an
 * {@link Arena}; every thread gets a shadow stack and a random state (8 bytes). Offsets are bytes.
 */
export class ProjectMemory<L> {
  readonly memory: WebAssembly.Memory;
  readonly layout: L;
  /** End of each thread's shadow stack. */
  readonly stackTops: number[];
  /** Each thread's xorshift64* state (uint64). */
  readonly rngStates: number[];

  constructor(threads: number, plan: (arena: Arena) => L) {
    const a = new Arena(1024);
    this.stackTops = [];
    this.rngStates = [];
    for (let t = 0; t < threads; t++) {
      this.stackTops.push(a.alloc(STACK, 16) + STACK);
      this.rngStates.push(a.alloc(8, 8));
    }
    this.layout = plan(a);
    this.memory = sharedMemory(a.end);
  }

  f32(at: number, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, at, length);
  }
  f64(at: number, length: number): Float64Array {
    return new Float64Array(this.memory.buffer, at, length);
  }
  i32(at: number, length: number): Int32Array {
    return new Int32Array(this.memory.buffer, at, length);
  }
  /** Sets thread `t`'s random state. */
  seedThread(t: number, state: bigint): void {
    new BigUint64Array(this.memory.buffer, this.rngStates[t], 1)[0] = state;
  }
}

/** The compiled projection kernel module. */
export function projectModule(): WebAssembly.Module {
  return kernelModule('project');
}

/** An instance on `memory` with the shadow stack ending at `stackTop` (for this thread). */
export function projectKernel(memory: WebAssembly.Memory, stackTop: number): ProjectKernel {
  return instantiateKernel<ProjectKernel>(projectModule(), memory, stackTop);
}

/** Splits [0, n) into `parts` contiguous ranges (the last ones may be empty). */
export function ranges(n: number, parts: number): Array<[number, number]> {
  const per = Math.ceil(n / parts);
  return Array.from({ length: parts }, (_, t) => [Math.min(n, t * per), Math.min(n, (t + 1) * per)] as [number, number]);
}

/** Worker threads running the project kernel on `mem` (one per thread region). */
export function projectThreads(mem: ProjectMemory<unknown>): KernelThreads<ProjectKernelFn> {
  return new KernelThreads<ProjectKernelFn>(projectModule(), mem.memory, mem.stackTops, 'projection');
}
