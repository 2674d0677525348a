import { UsageError } from '../errors.js';
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
