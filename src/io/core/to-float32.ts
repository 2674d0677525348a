import { FileFormatError } from '../../errors.js';

/** Largest integer magnitude float32 holds exactly (2^24). */
const MAX_EXACT_INT = 1 << 24;

/**
 * `data` as a Float32Array: returned as is when it already is one, else converted value by value.
 * Integers beyond ±2^24 (which float32 cannot hold exactly) are a FileFormatError naming `file`
 * and the row, rather than silently rounded.
 */
export function toFloat32(file: string, data: Float32Array | Int32Array | Uint8Array | Int8Array, dim: number): Float32Array {
  if (data instanceof Float32Array) return data;
  if (data instanceof Int32Array) {
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (v > MAX_EXACT_INT || v < -MAX_EXACT_INT) {
        throw new FileFormatError(
          file,
          `int32 value ${v} at row ${Math.floor(i / dim)}, column ${i % dim} cannot be converted to float32 exactly (|value| > 2^24)`,
        );
      }
    }
  }
  return Float32Array.from(data);
}
