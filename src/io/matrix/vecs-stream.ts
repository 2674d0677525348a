import { UsageError } from '../../errors.js';
import { checkPath } from '../core/check-path.js';
import { openRangeSource } from '../core/range-source.js';
import { resolveRowSlice, rowRange, type RowSliceOptions } from './row-slice.js';
import { decodeVecsDim, decodeVecsRows, vecsRowCount } from './vecs-decode.js';
import { checkVecsKind, vecsRowBytes, type TypedMatrix, type VecsArrayTypes, type VecsKind } from './vecs-layout.js';

/** Options of {@link streamVecs}. */
export interface VecsStreamOptions extends RowSliceOptions {
  /** Rows per batch (default: as many as fit in about 4 MiB, at least 1). */
  batchRows?: number;
}

/** A batch of consecutive rows of a vecs file; `data` is its own buffer (batches may be kept). */
export interface VecsBatch<T> extends TypedMatrix<T> {
  /** Index in the file of the batch's first row. */
  firstRow: number;
}

const DEFAULT_BATCH_BYTES = 4 << 20;

/**
 * Reads a `.fvecs` / `.ivecs` / `.bvecs` file in batches of rows, for files larger than memory.
 * The file size is checked to be a whole number of rows before the first batch, and each row's
 * dimension as its batch is read (same errors as {@link readVecs}). Breaking out of the loop closes
 * the file. An encrypted file is decrypted batch by batch.
 */
export async function* streamVecs<K extends VecsKind>(
  file: string,
  kind: K,
  options: VecsStreamOptions = {},
): AsyncGenerator<VecsBatch<VecsArrayTypes[K]>> {
  checkPath(file);
  checkVecsKind(kind);
  const slice = resolveRowSlice(options);
  const { batchRows } = options;
  if (batchRows !== undefined && !(Number.isSafeInteger(batchRows) && batchRows >= 1)) {
    throw new UsageError(`batchRows must be a positive integer, got ${String(batchRows)}`);
  }
  const source = await openRangeSource(file);
  try {
    const size = source.size;
    const dim = decodeVecsDim(file, kind, await source.read(0, Math.min(size, 4)), size);
    const rowBytes = vecsRowBytes(kind, dim);
    const { first, count } = rowRange(vecsRowCount(file, kind, size, dim), slice);
    const perBatch = batchRows ?? Math.max(1, Math.floor(DEFAULT_BATCH_BYTES / rowBytes));
    for (let row = first; row < first + count; row += perBatch) {
      const rows = Math.min(perBatch, first + count - row);
      const bytes = await source.read(row * rowBytes, rows * rowBytes);
      yield { firstRow: row, rows, dim, data: decodeVecsRows(file, kind, bytes, row, rows, dim) };
    }
  } finally {
    await source.close();
  }
}
