import type { Id, Metadata, VectorInput } from './types.js';

/** A copy of caller-owned vector input (typed arrays and row arrays), for an operation that runs later. */
export function copyVectors<T extends VectorInput | Uint8Array>(v: T): T {
  if (v instanceof Float32Array || v instanceof Uint8Array) return v.slice() as T;
  if (Array.isArray(v)) return v.map((row: number | readonly number[]) => (Array.isArray(row) ? row.slice() : row)) as unknown as T;
  const m = v as { data: Float32Array; rows: number; dim: number };
  return { data: m.data.slice(), rows: m.rows, dim: m.dim } as T;
}

/** The input of an add. */
export interface AddInput {
  ids: Id | readonly Id[];
  vectors: VectorInput | Uint8Array;
  metadata?: Metadata | readonly (Metadata | undefined)[];
}

/** A copy of an add's input that the caller may change before the queued add runs. */
export function copyAdd(a: AddInput): AddInput {
  return {
    ids: Array.isArray(a.ids) ? a.ids.slice() : a.ids,
    vectors: copyVectors(a.vectors),
    metadata: Array.isArray(a.metadata) ? a.metadata.slice() : a.metadata,
  };
}
