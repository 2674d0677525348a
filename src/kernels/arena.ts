import { ensureMemory } from './wasm.js';

/**
 * A bump allocator that plans where arrays live in a kernel memory. Nothing is ever freed: a
 * training run lays out everything once, then grows the memory to `end`.
 */
export class Arena {
  private top: number;

  constructor(start: number) {
    this.top = start;
  }

  /** Reserves `bytes` bytes aligned to `align` (default 64: a cache line) and returns the offset. */
  alloc(bytes: number, align = 64): number {
    const at = Math.ceil(this.top / align) * align;
    this.top = at + bytes;
    return at;
  }

  /** First byte after everything allocated so far. */
  get end(): number {
    return this.top;
  }

  /** Grows `memory` to hold every allocation. */
  commit(memory: WebAssembly.Memory): void {
    ensureMemory(memory, this.top);
  }
}
