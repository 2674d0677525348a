import { UsageError } from '../../errors.js';

/** Which rows of a matrix file to read: `offset` rows are skipped, then at most `limit` are read. */
export interface RowSliceOptions {
  /** Rows to skip at the start of the file (default 0). An offset past the end gives zero rows. */
  offset?: number;
  /** Read at most this many rows (default: all the remaining ones). */
  limit?: number;
}

/** A resolved row range: rows `[first, first + count)`. */
export interface RowRange {
  first: number;
  count: number;
}

function checkCount(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new UsageError(`${name} must be a non-negative integer, got ${String(value)}`);
  }
  return value;
}

/** Validates `offset` / `limit` (throwing {@link UsageError}) and fills in the defaults (0, Infinity). */
export function resolveRowSlice(options: RowSliceOptions = {}): { offset: number; limit: number } {
  return { offset: checkCount('offset', options.offset) ?? 0, limit: checkCount('limit', options.limit) ?? Infinity };
}

/** The rows of a `total`-row matrix selected by a resolved slice (Array.prototype.slice semantics). */
export function rowRange(total: number, slice: { offset: number; limit: number }): RowRange {
  const first = Math.min(slice.offset, total);
  return { first, count: Math.min(slice.limit, total - first) };
}
