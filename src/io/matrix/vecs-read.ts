import { checkPath } from '../core/check-path.js';
import { runReadPlan, runReadPlanSync, type ReadPlan } from '../core/read-plan.js';
import { resolveRowSlice, rowRange, type RowSliceOptions } from './row-slice.js';
import { decodeVecsDim, decodeVecsRows, vecsRowCount } from './vecs-decode.js';
import { checkVecsKind, vecsRowBytes, type TypedMatrix, type VecsArrayTypes, type VecsKind } from './vecs-layout.js';

function vecsPlan<K extends VecsKind>(
  file: string,
  kind: K,
  options: RowSliceOptions | undefined,
): ReadPlan<TypedMatrix<VecsArrayTypes[K]>> {
  checkPath(file);
  checkVecsKind(kind);
  const slice = resolveRowSlice(options);
  return function* (size) {
    if (slice.offset === 0 && slice.limit === Infinity) {
      // The whole file in one read; every row is checked (a wrong dimension is reported before truncation).
      const bytes = yield { position: 0, length: size };
      const dim = decodeVecsDim(file, kind, bytes, bytes.length);
      const rows = Math.ceil(bytes.length / vecsRowBytes(kind, dim));
      return { rows, dim, data: decodeVecsRows(file, kind, bytes, 0, rows, dim) };
    }
    const head = yield { position: 0, length: Math.min(size, 4) };
    const dim = decodeVecsDim(file, kind, head, size);
    const { first, count } = rowRange(vecsRowCount(file, kind, size, dim), slice);
    const rowBytes = vecsRowBytes(kind, dim);
    const bytes = count === 0 ? new Uint8Array(0) : yield { position: first * rowBytes, length: count * rowBytes };
    return { rows: count, dim, data: decodeVecsRows(file, kind, bytes, first, count, dim) };
  };
}

/**
 * Reads a `.fvecs` / `.ivecs` / `.bvecs` file (`kind` says which) into one typed array of
 * `rows × dim` values, row-major. Without `offset`/`limit` the whole file is read in one read and
 * every row is checked; with them only the selected rows are read (and checked), after the file size
 * is checked to be a whole number of rows. The memory used is the size of the rows read (values are
 * moved together in place, so `data.buffer` is slightly larger than `data`).
 *
 * Errors: FileFormatError naming the file for an empty file, a dimension ≤ 0 or above 2^24, a row with
 * another dimension ("row 17 has dimension 99, row 0 has 100"), a truncated file ("truncated: row 512
 * needs 516 bytes, 200 left"); UsageError for bad options; Node's errors (ENOENT, …) otherwise.
 */
export async function readVecs<K extends VecsKind>(
  file: string,
  kind: K,
  options?: RowSliceOptions,
): Promise<TypedMatrix<VecsArrayTypes[K]>> {
  return runReadPlan(file, vecsPlan(file, kind, options));
}

/** Synchronous {@link readVecs}. */
export function readVecsSync<K extends VecsKind>(file: string, kind: K, options?: RowSliceOptions): TypedMatrix<VecsArrayTypes[K]> {
  return runReadPlanSync(file, vecsPlan(file, kind, options));
}

/** Reads a `.fvecs` file (float32 rows); see {@link readVecs}. */
export function readFvecs(file: string, options?: RowSliceOptions): Promise<TypedMatrix<Float32Array>> {
  return readVecs(file, 'fvecs', options);
}

/** Reads an `.ivecs` file (int32 rows, e.g. ground-truth neighbour ids); see {@link readVecs}. */
export function readIvecs(file: string, options?: RowSliceOptions): Promise<TypedMatrix<Int32Array>> {
  return readVecs(file, 'ivecs', options);
}

/** Reads a `.bvecs` file (uint8 rows); see {@link readVecs}. */
export function readBvecs(file: string, options?: RowSliceOptions): Promise<TypedMatrix<Uint8Array>> {
  return readVecs(file, 'bvecs', options);
}
