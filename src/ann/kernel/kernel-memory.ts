import { instantiateKernel, kernelModule, sharedMemory } from '../../kernels/wasm.js';
import type { IndexKernel } from './index-kernel.js';
import { type AreaShape, type ArraySpec, type RegionSpec } from './layout.js';
import { WorkMemory } from './work-memory.js';

/** Start of the data: the module's static data and the main thread's shadow stack come first. */
const DATA_START = 1 << 17;

/** One struct in kernel memory and the arrays it points to (planned from a {@link RegionSpec}). */
export class Region {
  /** Byte offset of the struct. */
  at = 0;
  private arrays: ArraySpec[] = [];
  private offsets = new Map<number, number>();

  constructor(
    private readonly mem: KernelMemory,
    readonly spec: RegionSpec,
  ) {}

  /** The struct as int32 slots (a fresh view: the memory may have grown). */
  struct(): Int32Array {
    return new Int32Array(this.mem.memory.buffer, this.at, this.spec.structBytes / 4);
  }

  /** Byte offset of the array pointed to by `slot`, or 0 when it is not allocated. */
  ptr(slot: number): number {
    return this.offsets.get(slot) ?? 0;
  }

  /** @internal Lays the struct and arrays out from the arena position `start`; returns the end. */
  plan(start: number, capacity: number): number {
    const align = (n: number) => Math.ceil(n / 64) * 64;
    this.at = align(start);
    let end = this.at + this.spec.structBytes;
    this.arrays = this.spec.arrays(capacity);
    this.offsets = new Map();
    for (const a of this.arrays) {
      const bytes = a.perSlot * capacity + a.fixed;
      if (bytes <= 0) continue;
      const at = align(end);
      this.offsets.set(a.slot, at);
      end = at + bytes;
    }
    return end;
  }

  /** @internal Writes the array pointers into the struct (0 for arrays not allocated). */
  bind(): void {
    const x = this.struct();
    for (const a of this.arrays) x[a.slot] = this.ptr(a.slot);
  }

  /** @internal Copies this region's contents (the first `used` slots of per-slot arrays) from `old`. */
  copyFrom(old: Region, oldBytes: Uint8Array, used: number): void {
    const dst = new Uint8Array(this.mem.memory.buffer);
    dst.set(oldBytes.subarray(old.at, old.at + this.spec.structBytes), this.at);
    for (const a of this.arrays) {
      const from = old.ptr(a.slot);
      const to = this.ptr(a.slot);
      if (!from || !to) continue;
      const prev = old.arrays.find((b) => b.slot === a.slot)!;
      const bytes = a.perSlot > 0 ? used * a.perSlot : Math.min(a.fixed, prev.fixed);
      dst.set(oldBytes.subarray(from, from + bytes), to);
    }
  }

  /** @internal A detached copy of the planned offsets (to copy from after a re-plan). */
  snapshot(): Region {
    const r = new Region(this.mem, this.spec);
    r.at = this.at;
    r.arrays = this.arrays;
    r.offsets = this.offsets;
    return r;
  }
}

/**
 * The kernel memory of one index: one shared WebAssembly memory holding its structs and their
 * arrays (the store's, and the graph's or the clusters'), then the work memory (per-call thread
 * areas and temporary blocks, see work-memory.ts). Growing the capacity moves the structs and
 * arrays into a new memory (no holes left behind); work areas are planned again after it.
 */
export class KernelMemory {
  memory: WebAssembly.Memory;
  kernel: IndexKernel;
  capacity: number;
  readonly regions: Region[];
  readonly work: WorkMemory;
  /** First byte after the structs and arrays: the work memory starts here. */
  dataEnd = 0;

  constructor(capacity: number, specs: RegionSpec[], shape: (capacity: number) => AreaShape) {
    this.capacity = capacity;
    this.regions = specs.map((s) => new Region(this, s));
    this.memory = sharedMemory(this.plan());
    for (const r of this.regions) r.bind();
    this.kernel = this.instantiate();
    this.work = new WorkMemory(this, () => shape(this.capacity));
  }

  private plan(): number {
    let end = DATA_START;
    for (const r of this.regions) end = r.plan(end, this.capacity);
    this.dataEnd = end;
    return end;
  }

  private instantiate(): IndexKernel {
    // The main thread's instance uses the default shadow stack below DATA_START.
    return instantiateKernel<IndexKernel>(kernelModule('index'), this.memory, DATA_START);
  }

  /**
   * Moves everything into a new memory planned for `capacity` slots (and the regions' current
   * specs, e.g. a larger HNSW link pool), copying the first `used` slots of every array. Only
   * while no work area is leased.
   */
  replan(capacity: number, used: number): void {
    this.work.reset();
    const oldBytes = new Uint8Array(this.memory.buffer);
    const old = this.regions.map((r) => r.snapshot());
    this.capacity = Math.max(capacity, this.capacity);
    this.memory = sharedMemory(this.plan());
    this.regions.forEach((r, i) => {
      r.copyFrom(old[i], oldBytes, used);
      r.bind();
    });
    this.kernel = this.instantiate();
  }

  f32(offset: number, n: number): Float32Array {
    return new Float32Array(this.memory.buffer, offset, n);
  }
  i32(offset: number, n: number): Int32Array {
    return new Int32Array(this.memory.buffer, offset, n);
  }
  u8(offset: number, n: number): Uint8Array {
    return new Uint8Array(this.memory.buffer, offset, n);
  }
}
