import { EmbedkitError } from '../../errors.js';
import { ensureMemory } from '../../kernels/wasm.js';
import type { KernelMemory } from './kernel-memory.js';
import { planArea, SCRATCH, SCRATCH_BYTES, type AreaShape, type ScratchSize, type ThreadArea } from './layout.js';

interface Block {
  at: number;
  bytes: number;
  leased: boolean;
  /** The work area planned in this block, and the sizes it was planned for. */
  area?: ThreadArea;
  size?: ScratchSize;
}

const covers = (a: ScratchSize, b: ScratchSize) => a.resCap >= b.resCap && a.chunk >= b.chunk && a.k >= b.k;
const align = (n: number) => Math.ceil(n / 64) * 64;

/**
 * The kernel memory after the index data: work areas (a Scratch struct, buffers, a filter bitmap
 * and a shadow stack for one thread's kernel calls) and temporary blocks, each leased by one call
 * and returned when it is done. A leased block never moves and is never written by anyone else,
 * so a synchronous search may run while worker threads use their areas (an asynchronous add or
 * searchBatch): it leases an area of its own, planned after the others if none is free. Areas are
 * kept between calls (the visited tags of a graph search need no clearing then); when nothing is
 * leased and no free block fits, the blocks are planned again from the start, so the memory does
 * not grow with each larger request.
 */
export class WorkMemory {
  private blocks: Block[] = [];
  /** The largest sizes asked for so far: new areas get them, so that every area serves every call. */
  private high: ScratchSize = { resCap: 0, chunk: 0, k: 0 };

  constructor(
    private readonly mem: KernelMemory,
    private readonly shape: () => AreaShape,
  ) {}

  /** Leases a work area with buffers of at least `size`. Give it back with {@link release}. */
  leaseArea(size: ScratchSize): ThreadArea {
    this.high = {
      resCap: Math.max(this.high.resCap, size.resCap),
      chunk: Math.max(this.high.chunk, size.chunk),
      k: Math.max(this.high.k, size.k),
    };
    const free = this.blocks.find((b) => !b.leased && b.area && covers(b.size!, size));
    if (free) {
      free.leased = true;
      return free.area!;
    }
    const shape = this.shape();
    const want = this.high;
    const bytes = align(planArea(0, shape, want, () => {}).end);
    const b = this.place(bytes);
    const s = this.mem.i32(b.at, SCRATCH_BYTES / 4);
    s.fill(0);
    b.area = planArea(b.at, shape, want, (slot, value) => {
      s[slot] = value;
    });
    b.size = want;
    // visited tags start at 0 with tag 0: the first search bumps the tag to 1
    if (s[SCRATCH.visited]) this.mem.u8(s[SCRATCH.visited], shape.capacity * 2).fill(0);
    return b.area;
  }

  /** Leases `bytes` bytes (64-byte aligned) for the duration of one call. */
  leaseBytes(bytes: number): number {
    const free = this.blocks.find((b) => !b.leased && !b.area && b.bytes >= bytes);
    if (free) {
      free.leased = true;
      return free.at;
    }
    return this.place(align(Math.max(bytes, 64))).at;
  }

  /** Gives back a leased area (by its scratch offset) or block. */
  release(at: number): void {
    const b = this.blocks.find((x) => x.at === at);
    if (!b?.leased) throw new EmbedkitError(`work memory: no leased block at ${at}`);
    b.leased = false;
  }

  /** Whether any area or block is leased. */
  get busy(): boolean {
    return this.blocks.some((b) => b.leased);
  }

  /** Forgets every block (the data before them was planned again). Only when nothing is leased. */
  reset(): void {
    if (this.busy) throw new EmbedkitError('work memory: re-planned while a work area is in use');
    this.blocks = [];
  }

  /**
   * A new leased block of `bytes`: after the last leased one (free blocks after it are dropped, so
   * that requests growing one after the other reuse the same memory), or from the start when
   * nothing is leased.
   */
  private place(bytes: number): Block {
    while (this.blocks.length > 0 && !this.blocks[this.blocks.length - 1].leased) this.blocks.pop();
    const last = this.blocks.length > 0 ? this.blocks[this.blocks.length - 1] : undefined;
    const at = align(last ? last.at + last.bytes : this.mem.dataEnd);
    ensureMemory(this.mem.memory, at + bytes);
    const b: Block = { at, bytes, leased: true };
    this.blocks.push(b);
    return b;
  }
}
