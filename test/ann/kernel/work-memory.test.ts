import { describe, expect, it } from 'vitest';
import { KernelMemory } from '../../../src/ann/kernel/kernel-memory.js';
import { perSlot, SCRATCH, SCRATCH_BYTES, STORE, STORE_BYTES, type AreaShape, type ThreadArea } from '../../../src/ann/kernel/layout.js';

const shape = (capacity: number): AreaShape => ({ capacity, stride: 8, rowBytes: 32, codeStride: 16, M0: 8, lanes: 8, clusters: false });
const memory = () => new KernelMemory(100, [{ structBytes: STORE_BYTES, arrays: () => [perSlot(STORE.vectors, 32)] }], shape);
const size = (k: number, resCap = 64) => ({ resCap, chunk: 64, k });
const overlap = (a: ThreadArea, b: ThreadArea) => a.scratch < b.end && b.scratch < a.end;
const tag = (mem: KernelMemory, a: ThreadArea) => mem.i32(a.scratch, SCRATCH_BYTES / 4);

describe('work memory', () => {
  it('leased areas never overlap each other or the data', () => {
    const mem = memory();
    const a = mem.work.leaseArea(size(16));
    const b = mem.work.leaseArea(size(16));
    const c = mem.work.leaseArea(size(200, 900)); // larger while two are leased: placed after them
    expect(a.scratch).toBeGreaterThanOrEqual(mem.dataEnd);
    for (const [x, y] of [
      [a, b],
      [a, c],
      [b, c],
    ])
      expect(overlap(x, y)).toBe(false);
    expect(c.scratch).toBeGreaterThanOrEqual(b.end);
    expect(mem.memory.buffer.byteLength).toBeGreaterThanOrEqual(c.end);
  });

  it('keeps a released area for the next call (its visited tags stay), and never moves a leased one', () => {
    const mem = memory();
    const a = mem.work.leaseArea(size(16));
    tag(mem, a)[SCRATCH.tag] = 77; // as a graph search leaves it
    mem.work.release(a.scratch);
    const again = mem.work.leaseArea(size(10));
    expect(again.scratch).toBe(a.scratch);
    expect(tag(mem, again)[SCRATCH.tag]).toBe(77);
    const bigger = mem.work.leaseArea(size(300, 2000)); // does not fit the leased one: a new area
    expect(overlap(again, bigger)).toBe(false);
    expect(tag(mem, again)[SCRATCH.tag]).toBe(77);
    expect(() => mem.work.release(12345)).toThrow(/no leased block/);
  });

  it('plans again from the start when nothing is leased, so growing requests do not pile up', () => {
    const mem = memory();
    let end = 0;
    for (let k = 16; k < 400; k += 16) {
      const a = mem.work.leaseArea(size(k, 8 * (k + 1)));
      expect(a.scratch).toBe(Math.ceil(mem.dataEnd / 64) * 64);
      end = a.end;
      mem.work.release(a.scratch);
    }
    expect(mem.memory.buffer.byteLength).toBeLessThan(end + 2 * 65536);
  });

  it('refuses to move the data while an area is leased', () => {
    const mem = memory();
    const a = mem.work.leaseArea(size(16));
    expect(() => mem.replan(400, 0)).toThrow(/in use/);
    mem.work.release(a.scratch);
    mem.replan(400, 0);
    expect(mem.capacity).toBe(400);
  });
});
