import type { KernelMemory, Region } from './kernel/kernel-memory.js';
import { FLAG_DELETED, FLAG_FREE, QUANT_CODE, STORE } from './kernel/layout.js';
import { fitBinary, fitInt8 } from './quantizer.js';
import { principalAxes } from './rotation.js';
import { forEachRun } from './slots.js';

/** Vectors needed before the int8/binary quantizer is fitted (see {@link CodeSpace.encode}). */
export const MIN_FIT_ROWS = 1000;

/** The shape of a store's codes. */
export interface CodeShape {
  quantize: 'none' | 'int8' | 'binary';
  int8Range: 'per-dimension' | 'global';
  dim: number;
  stride: number;
  codeStride: number;
  /** int8 codes in a principal-axes basis (see rotation.ts). */
  rotation: boolean;
}

/**
 * Bytes per code row: a multiple of 16 (the SIMD width); rows of 64 bytes or more are padded to
 * whole cache lines so that no code straddles one line more than it needs (100-d: 112 → 128).
 */
export function codeRowBytes(n: number): number {
  return n >= 64 ? Math.ceil(n / 64) * 64 : Math.ceil(n / 16) * 16;
}

/**
 * The codes of a store's rows: the quantizer (int8 ranges or binary thresholds, fitted on the
 * stored vectors, optionally in a principal-axes basis) and the encoding of rows with it, by the
 * kernel's store_encode, which also fills every row's norms.
 */
export class CodeSpace {
  /** Whether the quantizer has been fitted (until then the kernels run on exact floats). */
  fitted = false;

  constructor(
    private readonly mem: KernelMemory,
    private readonly store: Region,
    readonly shape: CodeShape,
  ) {}

  /**
   * A rotated code space is fitted again from the vectors when an index is loaded: the rotation
   * is not saved, and the quantizer's ranges are taken in its basis.
   */
  get refitOnLoad(): boolean {
    return this.shape.rotation;
  }

  /**
   * Fits the quantizer once the store holds MIN_FIT_ROWS vectors (all of them then), then encodes
   * codes and norms of `slots` (every row when empty). Until then the kernels run unquantized
   * (exact float traversal): ranges fitted on a handful of vectors would clip most later ones, and
   * an int8 build selects neighbours on the codes.
   */
  encode(count: number, slots: Int32Array): void {
    const { mem, shape } = this;
    const at = this.store.at;
    const x = this.store.struct();
    if (shape.quantize !== 'none' && !this.fitted) {
      const live = mem.u8(this.store.ptr(STORE.flags), count);
      const rows: number[] = [];
      for (let s = 0; s < count; s++) if (!(live[s] & (FLAG_DELETED | FLAG_FREE))) rows.push(s);
      if (rows.length < MIN_FIT_ROWS) {
        x[STORE.quant] = QUANT_CODE.none;
        forEachRun(slots.length > 0 ? slots : Int32Array.from(rows), (first, n) => mem.kernel.store_encode(at, first, n));
        return;
      }
      x[STORE.quant] = QUANT_CODE[shape.quantize];
      const data = mem.f32(this.store.ptr(STORE.vectors), count * shape.stride);
      let sample = data;
      if (rows.length < count) {
        // gather the live rows (only when some slots are empty; usually all are live)
        sample = new Float32Array(rows.length * shape.stride);
        rows.forEach((s, i) => sample.set(data.subarray(s * shape.stride, (s + 1) * shape.stride), i * shape.stride));
      }
      let sampleRows = rows.length;
      if (shape.rotation) {
        const r = principalAxes(sample, rows.length, shape.dim, shape.stride, shape.codeStride);
        mem.f32(this.store.ptr(STORE.rot), shape.dim * shape.dim).set(r.rot);
        x[STORE.tDims] = r.tDims;
        ({ sample, rows: sampleRows } = r);
      }
      const p =
        shape.quantize === 'int8'
          ? fitInt8(sample, sampleRows, shape.dim, shape.stride, shape.int8Range)
          : fitBinary(sample, sampleRows, shape.dim, shape.stride);
      this.setParams(p.offset, p.scale);
      this.fitted = true;
      mem.kernel.store_encode(at, 0, count);
      return;
    }
    if (slots.length === 0) mem.kernel.store_encode(at, 0, count);
    else forEachRun(slots, (first, n) => mem.kernel.store_encode(at, first, n));
  }

  /** The quantizer's offsets and scales (dim each). */
  params(): { offset: Float32Array; scale: Float32Array } {
    return {
      offset: this.mem.f32(this.store.ptr(STORE.qOffset), this.shape.dim),
      scale: this.mem.f32(this.store.ptr(STORE.qScale), this.shape.dim),
    };
  }

  /** Sets the quantizer's offsets and scales (fitted, or loaded from a file). */
  setParams(offset: Float32Array, scale: Float32Array): void {
    const p = this.params();
    p.offset.set(offset);
    p.scale.set(scale);
  }
}
