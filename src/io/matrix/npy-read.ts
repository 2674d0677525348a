import { FileFormatError } from '../../errors.js';
import { checkPath } from '../core/check-path.js';
import { convertNpyData } from './npy-convert.js';
import { npyDtypeOf, type NpyArray } from './npy-dtype.js';
import { decodeNpyHeader, formatShape, npyHeaderEnd } from './npy-header.js';
import { runReadPlan, runReadPlanSync, type ReadPlan } from '../core/read-plan.js';
import { resolveRowSlice, rowRange, type RowSliceOptions } from './row-slice.js';
import type { TypedMatrix } from './vecs-layout.js';

/** A `.npy` array read as a matrix. */
export interface NpyMatrix extends TypedMatrix<NpyArray> {
  /** The dtype in the file (`'<f4'`, `'<f8'`, …); `data` may be of another type, see {@link readNpy}. */
  descr: string;
  /** The shape in the file. */
  shape: number[];
}

/** Bytes read first: enough for any header numpy writes for a 1-D or 2-D array. */
const HEAD_BYTES = 4096;

function npyPlan(file: string, options: RowSliceOptions | undefined): ReadPlan<NpyMatrix> {
  checkPath(file);
  const slice = resolveRowSlice(options);
  return function* (size) {
    let head = yield { position: 0, length: Math.min(size, HEAD_BYTES) };
    const headerEnd = npyHeaderEnd(file, head, size);
    if (head.length < headerEnd) head = yield { position: 0, length: headerEnd };
    const header = decodeNpyHeader(file, head, size);
    const dtype = npyDtypeOf(header.descr);
    if (typeof dtype === 'string') throw new FileFormatError(file, dtype);
    const { shape } = header;
    const described = `shape ${formatShape(shape)} of '${header.descr as string}'`;
    if (shape.length === 0 || shape.length > 2) {
      throw new FileFormatError(file, `${shape.length}-D array of ${described}: only 1-D and 2-D arrays are supported`);
    }
    const [rows, dim] = shape.length === 1 ? [1, shape[0]] : shape;
    if (dim === 0) throw new FileFormatError(file, `array of ${described} has rows of 0 values`);
    const rowBytes = dim * dtype.itemBytes;
    const dataBytes = rows * rowBytes;
    if (!Number.isSafeInteger(dataBytes)) throw new FileFormatError(file, `implausible ${described}`);
    const available = size - header.dataOffset;
    if (available < dataBytes) {
      throw new FileFormatError(
        file,
        `truncated: ${described} needs ${dataBytes} data bytes, the file has ${available} after the ${header.dataOffset}-byte header`,
      );
    }
    if (available > dataBytes) {
      throw new FileFormatError(file, `${available - dataBytes} unexpected bytes after the data (${described} is ${dataBytes} bytes)`);
    }
    const { first, count } = rowRange(rows, slice);
    const fortran = header.fortranOrder && shape.length === 2 && count > 0;
    const position = header.dataOffset + (fortran ? 0 : first * rowBytes);
    const length = fortran ? dataBytes : count * rowBytes;
    const bytes = length === 0 ? new Uint8Array(0) : yield { position, length };
    if (bytes.length < length) throw new FileFormatError(file, `truncated: the file shrank while being read`);
    const data = convertNpyData(file, dtype, bytes, { count, dim, firstRow: first, fortran, totalRows: rows });
    return { rows: count, dim, data, descr: header.descr as string, shape };
  };
}

/**
 * Reads a NumPy `.npy` file (format 1.0, 2.0 or 3.0) holding a 2-D array (rows × dim) or a 1-D array
 * (read as one row). Data types: `<f4` → Float32Array (a view of the read buffer, no copy), `<f8` →
 * Float32Array (rounded; a finite value beyond the float32 range is an error), `<i4` → Int32Array,
 * `<i8` → Int32Array (a value outside the int32 range is an error), `|u1` → Uint8Array, `|i1` →
 * Int8Array. Fortran-order arrays are transposed to row-major. `offset`/`limit` select rows (only
 * those are read, except for Fortran order).
 *
 * Errors: FileFormatError naming the file for a wrong magic, an unsupported version, an unparsable
 * header, big-endian or other unsupported dtypes, 0-D or 3-D+ shapes, and a data size that does not
 * match shape × item size (truncated or trailing bytes); UsageError for bad options.
 */
export async function readNpy(file: string, options?: RowSliceOptions): Promise<NpyMatrix> {
  return runReadPlan(file, npyPlan(file, options));
}

/** Synchronous {@link readNpy}. */
export function readNpySync(file: string, options?: RowSliceOptions): NpyMatrix {
  return runReadPlanSync(file, npyPlan(file, options));
}
