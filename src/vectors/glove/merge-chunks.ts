import { closeSync, openSync, readSync } from 'node:fs';
import { ensureMemory } from '../../kernels/wasm.js';
import { COUNT_REC_BYTES, TRAIN_REC_BYTES } from './cooccur-layout.js';

const BLOCK_RECS = 1 << 14;

/** A read cursor over one sorted chunk file of count records. */
class ChunkCursor {
  private readonly buf = Buffer.alloc(BLOCK_RECS * COUNT_REC_BYTES);
  private readonly fd: number;
  private pos = 0;
  private n = 0;
  private fileOffset = 0;
  hi = 0;
  lo = 0;
  x = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'r');
  }

  /** Loads the next record into hi/lo/x; false at the end. */
  next(): boolean {
    if (this.pos === this.n) {
      const got = readSync(this.fd, this.buf, 0, this.buf.length, this.fileOffset);
      this.fileOffset += got;
      this.n = Math.floor(got / COUNT_REC_BYTES);
      this.pos = 0;
      if (this.n === 0) return false;
    }
    const o = this.pos++ * COUNT_REC_BYTES;
    this.lo = this.buf.readUInt32LE(o);
    this.hi = this.buf.readUInt32LE(o + 4);
    this.x = this.buf.readDoubleLE(o + 8);
    return true;
  }

  close(): void {
    closeSync(this.fd);
  }
}

const less = (a: ChunkCursor, b: ChunkCursor): boolean => a.hi < b.hi || (a.hi === b.hi && a.lo < b.lo);

/**
 * Merges sorted chunk files of count records (as cooccur.c's merge_files): a binary heap of
 * cursors; equal pairs from different chunks are summed. Writes training records into `memory`
 * from byte `out` on, growing it as needed; returns how many.
 */
export function mergeChunks(paths: readonly string[], memory: WebAssembly.Memory, out: number): number {
  const heap: ChunkCursor[] = [];
  const cursors = paths.map((p) => new ChunkCursor(p));
  try {
    const siftDown = (i: number) => {
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && less(heap[l], heap[m])) m = l;
        if (r < heap.length && less(heap[r], heap[m])) m = r;
        if (m === i) return;
        [heap[i], heap[m]] = [heap[m], heap[i]];
        i = m;
      }
    };
    for (const c of cursors) if (c.next()) heap.push(c);
    for (let i = (heap.length >> 1) - 1; i >= 0; i--) siftDown(i);
    let n = 0;
    let capacity = 0;
    let view = new DataView(memory.buffer);
    let hi = -1;
    let lo = -1;
    let x = 0;
    const emit = () => {
      if (n === capacity) {
        capacity = Math.max(1 << 16, capacity * 2);
        ensureMemory(memory, out + capacity * TRAIN_REC_BYTES);
        view = new DataView(memory.buffer);
      }
      const o = out + n++ * TRAIN_REC_BYTES;
      view.setInt32(o, hi, true);
      view.setInt32(o + 4, lo, true);
      view.setFloat32(o + 8, x, true);
    };
    while (heap.length > 0) {
      const c = heap[0];
      if (c.hi === hi && c.lo === lo) x += c.x;
      else {
        if (hi >= 0) emit();
        hi = c.hi;
        lo = c.lo;
        x = c.x;
      }
      if (c.next()) siftDown(0);
      else {
        heap[0] = heap[heap.length - 1];
        heap.pop();
        if (heap.length > 0) siftDown(0);
      }
    }
    if (hi >= 0) emit();
    return n;
  } finally {
    for (const c of cursors) c.close();
  }
}
