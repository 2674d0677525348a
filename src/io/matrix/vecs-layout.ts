import path from 'node:path';
import { UsageError } from '../../errors.js';

/**
 * The TEXMEX / ANN-benchmarks matrix formats: each row is a little-endian int32 dimension `d`
 * followed by `d` values — float32 (`.fvecs`), int32 (`.ivecs`) or uint8 (`.bvecs`).
 */
export type VecsKind = 'fvecs' | 'ivecs' | 'bvecs';

/** The typed array holding the values of each {@link VecsKind}. */
export interface VecsArrayTypes {
  fvecs: Float32Array;
  ivecs: Int32Array;
  bvecs: Uint8Array;
}

/** A dense row-major matrix: `data` holds `rows × dim` values, row `i` at `[i × dim, (i + 1) × dim)`. */
export interface TypedMatrix<T> {
  rows: number;
  dim: number;
  data: T;
}

/** Largest dimension the readers accept (a larger one means the file is not what its name says). */
export const VECS_MAX_DIM = 1 << 24;

/** Bytes per value of each kind. */
export const VECS_ELEMENT_BYTES: Readonly<Record<VecsKind, number>> = { fvecs: 4, ivecs: 4, bvecs: 1 };

const ARRAY_TYPES = { fvecs: Float32Array, ivecs: Int32Array, bvecs: Uint8Array } as const;

/** Bytes of one row of `dim` values: the 4-byte dimension plus the values. */
export function vecsRowBytes(kind: VecsKind, dim: number): number {
  return 4 + dim * VECS_ELEMENT_BYTES[kind];
}

/** A typed array of `kind` viewing `length` values of `buffer` from `byteOffset` (no copy). */
export function vecsView<K extends VecsKind>(kind: K, buffer: ArrayBufferLike, byteOffset: number, length: number): VecsArrayTypes[K] {
  return new ARRAY_TYPES[kind](buffer as ArrayBuffer, byteOffset, length) as VecsArrayTypes[K];
}

/** Whether `data` is the typed array `kind` stores (exact class, not a subclass of another). */
export function isVecsArray(kind: VecsKind, data: unknown): boolean {
  return data instanceof ARRAY_TYPES[kind];
}

/** The kind named by the extension of `file` (`.fvecs`, `.ivecs`, `.bvecs`, any case), if any. */
export function vecsKindOfPath(file: string): VecsKind | undefined {
  const ext = path.extname(file).toLowerCase();
  return ext === '.fvecs' ? 'fvecs' : ext === '.ivecs' ? 'ivecs' : ext === '.bvecs' ? 'bvecs' : undefined;
}

/** Throws a UsageError unless `kind` is a {@link VecsKind}. */
export function checkVecsKind(kind: unknown): asserts kind is VecsKind {
  if (kind !== 'fvecs' && kind !== 'ivecs' && kind !== 'bvecs') {
    throw new UsageError(`kind must be 'fvecs', 'ivecs' or 'bvecs', got ${String(kind)}`);
  }
}
