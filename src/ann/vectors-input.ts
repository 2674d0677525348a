import { UsageError } from '../errors.js';
import { writeUnit } from '../math/normalize.js';
import type { VectorInput } from './types.js';

/** Rows of a vector input as one Float32Array (copied only when needed). */
export interface Rows {
  rows: number;
  dim: number;
  data: Float32Array;
}

/**
 * Reads `input` as rows of `dim` numbers: a Float32Array or number[] holding one or more rows
 * back to back, an array of rows, or a `{rows, dim, data}` matrix. Every value must be finite.
 */
export function toRows(input: VectorInput, dim: number, what = 'vectors'): Rows {
  let data: Float32Array;
  if (input instanceof Float32Array) data = input;
  else if (Array.isArray(input) && input.length > 0 && Array.isArray(input[0])) {
    const rows = input as readonly (readonly number[])[];
    data = new Float32Array(rows.length * dim);
    rows.forEach((r, i) => {
      if (r.length !== dim) throw new UsageError(`${what}: row ${i} has ${r.length} values, the index has dimension ${dim}`);
      data.set(r, i * dim);
    });
  } else if (Array.isArray(input)) data = Float32Array.from(input as readonly number[]);
  else if (typeof input === 'object' && input !== null && 'data' in input && input.data instanceof Float32Array) {
    if (input.dim !== dim) throw new UsageError(`${what}: matrix has dimension ${input.dim}, the index has ${dim}`);
    data = input.data.subarray(0, input.rows * input.dim);
  } else throw new UsageError(`${what}: expected a Float32Array, number[], number[][] or {rows, dim, data}`);
  if (data.length === 0 || data.length % dim !== 0) {
    throw new UsageError(`${what}: ${data.length} values is not a whole number of rows of dimension ${dim}`);
  }
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) throw new UsageError(`${what}: value ${i % dim} of row ${Math.floor(i / dim)} is ${data[i]}`);
  }
  return { rows: data.length / dim, dim, data };
}

/** How an index stores a row: `stride` floats (cosine: unit-normalised), or packed bits for hamming. */
export interface RowShape {
  dim: number;
  /** Floats per stored row (bytes for hamming). */
  stride: number;
  hamming: boolean;
  unit: boolean;
}

/** Validated input rows, and a writer of all of them in stored form. */
export interface StoredRows {
  n: number;
  /**
   * Writes row i at byte `at(i)` of `buffer` for every row (`at(i)` a multiple of 4 for floats),
   * through one view of the buffer.
   */
  write(buffer: ArrayBufferLike, at: (i: number) => number): void;
}

/**
 * Reads vector input as rows of an index: float rows (see {@link toRows}) are unit-normalised for
 * cosine and zero-padded to the stride; hamming rows are packed bits in a Uint8Array, padded to the
 * stride. Used for stored rows and queries alike.
 */
export function storedRows(input: VectorInput | Uint8Array, shape: RowShape, what: string): StoredRows {
  const { dim, stride } = shape;
  if (shape.hamming) {
    const per = Math.ceil(dim / 8);
    if (!(input instanceof Uint8Array))
      throw new UsageError(`${what}: hamming vectors are packed bits in a Uint8Array (${per} bytes per vector)`);
    if (input.length === 0 || input.length % per !== 0)
      throw new UsageError(`${what}: ${input.length} bytes is not a whole number of ${per}-byte bit vectors`);
    const n = input.length / per;
    return {
      n,
      write: (buffer, at) => {
        const out = new Uint8Array(buffer);
        for (let i = 0; i < n; i++) {
          const o = at(i);
          out.set(input.subarray(i * per, (i + 1) * per), o);
          out.fill(0, o + per, o + stride);
        }
      },
    };
  }
  if (input instanceof Uint8Array) throw new UsageError(`${what}: expected float vectors, got a Uint8Array`);
  const { rows, data } = toRows(input, dim, what);
  return {
    n: rows,
    write: (buffer, at) => {
      const out = new Float32Array(buffer);
      for (let i = 0; i < rows; i++) {
        const o = at(i) >> 2;
        if (shape.unit) writeUnit(data, out, o, i * dim, dim);
        else out.set(data.subarray(i * dim, (i + 1) * dim), o);
        out.fill(0, o + dim, o + stride);
      }
    },
  };
}

/** Query rows in stored form, back to back (n × the stored row size). */
export function queryRows(input: VectorInput | Uint8Array, shape: RowShape, what = 'query'): { bytes: Uint8Array; n: number } {
  const rows = storedRows(input, shape, what);
  const rb = shape.hamming ? shape.stride : shape.stride * 4;
  const bytes = new Uint8Array(rows.n * rb);
  rows.write(bytes.buffer, (i) => i * rb);
  return { bytes, n: rows.n };
}
