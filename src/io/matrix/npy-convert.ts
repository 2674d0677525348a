import { FileFormatError } from '../../errors.js';
import { HOST_IS_LITTLE_ENDIAN, swap32InPlace, swap64InPlace } from '../core/float32-bytes.js';
import type { NpyArray, NpyDtype } from './npy-dtype.js';

/** Where the values to convert are in the data bytes read from the file. */
export interface NpyLayout {
  /** Rows to produce. */
  count: number;
  /** Values per row. */
  dim: number;
  /** Index in the file of the first row produced (for messages, and to find it in Fortran order). */
  firstRow: number;
  /**
   * Fortran (column-major) order: `data` holds the whole array, `totalRows` rows per column;
   * otherwise `data` holds just the `count` rows, row-major.
   */
  fortran: boolean;
  totalRows: number;
}

function sourceArray(dtype: NpyDtype, bytes: Uint8Array): Float32Array | Float64Array | Int32Array | Uint8Array | Int8Array {
  const n = bytes.byteLength / dtype.itemBytes;
  if (!HOST_IS_LITTLE_ENDIAN) (dtype.itemBytes === 8 ? swap64InPlace : swap32InPlace)(bytes);
  const { buffer, byteOffset } = bytes;
  switch (dtype.descr) {
    case '<f4':
      return new Float32Array(buffer, byteOffset, n);
    case '<f8':
      return new Float64Array(buffer, byteOffset, n);
    case '<i4':
      return new Int32Array(buffer, byteOffset, n);
    case '<i8':
      return new Int32Array(buffer, byteOffset, 2 * n); // (low, high) word pairs
    case '|i1':
      return new Int8Array(buffer, byteOffset, n);
    default:
      return new Uint8Array(buffer, byteOffset, n);
  }
}

function outputArray(dtype: NpyDtype, length: number): NpyArray {
  switch (dtype.output) {
    case 'float32':
      return new Float32Array(length);
    case 'int32':
      return new Int32Array(length);
    case 'int8':
      return new Int8Array(length);
    default:
      return new Uint8Array(length);
  }
}

/**
 * The values of `bytes` (the data read from the file, starting at a multiple of 8 in a buffer of
 * its own, which may be modified) as the dtype's output array, `count × dim` row-major. Same-type
 * C-order data is returned as a view without copying; `<f8` is rounded to float32 and `<i8` narrowed
 * to int32, failing with a FileFormatError naming the row and column of a value that does not fit
 * (a finite double beyond the float32 range, an integer outside ±2^31). Fortran-order data is transposed.
 */
export function convertNpyData(file: string, dtype: NpyDtype, bytes: Uint8Array, layout: NpyLayout): NpyArray {
  const { count, dim, firstRow, fortran, totalRows } = layout;
  const source = sourceArray(dtype, bytes);
  const sameType = dtype.descr !== '<f8' && dtype.descr !== '<i8';
  if (!fortran && sameType) return source as NpyArray;
  const out = outputArray(dtype, count * dim);
  const stride = fortran ? totalRows : 1;
  const where = (i: number, j: number): string => `row ${firstRow + i}, column ${j}`;
  for (let i = 0; i < count; i++) {
    const base = fortran ? firstRow + i : i * dim;
    const o = i * dim;
    if (dtype.descr === '<i8') {
      const words = source as Int32Array;
      const lo = HOST_IS_LITTLE_ENDIAN ? 0 : 1;
      for (let j = 0; j < dim; j++) {
        const s = 2 * (base + j * stride);
        const low = words[s + lo];
        const high = words[s + 1 - lo];
        if (high !== low >> 31) {
          const value = (BigInt(high) << 32n) | BigInt(low >>> 0);
          throw new FileFormatError(file, `int64 value ${value} at ${where(i, j)} does not fit in int32 (embedkit reads '<i8' as int32)`);
        }
        out[o + j] = low;
      }
    } else if (dtype.descr === '<f8') {
      for (let j = 0; j < dim; j++) {
        const v = source[base + j * stride];
        const f = Math.fround(v);
        if (!Number.isFinite(f) && Number.isFinite(v)) {
          throw new FileFormatError(
            file,
            `float64 value ${v} at ${where(i, j)} is outside the float32 range (embedkit reads '<f8' as float32)`,
          );
        }
        out[o + j] = f;
      }
    } else {
      for (let j = 0; j < dim; j++) out[o + j] = source[base + j * stride];
    }
  }
  return out;
}
