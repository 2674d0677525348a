import { UsageError } from '../../errors.js';
import type { Matrix } from '../../math/matrix.js';

/**
 * Checks the rows given to a clustering method: at least one row, a positive dimension, a data
 * array of rows × dim floats and only finite values (NaN or ±Infinity are named with their row).
 */
export function checkRows(x: Matrix, what = 'clustering'): void {
  if (!(Number.isInteger(x.rows) && Number.isInteger(x.dim) && x.rows >= 0 && x.dim >= 0))
    throw new UsageError(`${what}: rows and dim must be integers ≥ 0 (got ${x.rows} × ${x.dim})`);
  if (x.rows === 0) throw new UsageError(`${what}: no vectors to cluster (the input is empty)`);
  if (x.dim === 0) throw new UsageError(`${what}: the vectors have no dimensions`);
  if (x.data.length < x.rows * x.dim)
    throw new UsageError(`${what}: ${x.rows} rows of ${x.dim} need ${x.rows * x.dim} floats, the data has ${x.data.length}`);
  const { data } = x;
  for (let i = 0, n = x.rows * x.dim; i < n; i++) {
    if (!Number.isFinite(data[i]))
      throw new UsageError(`${what}: row ${Math.floor(i / x.dim)} has a non-finite value (${data[i]}) at dimension ${i % x.dim}`);
  }
}

/** Checks a cluster count against the number of rows. */
export function checkK(k: number, rows: number): void {
  if (!(Number.isInteger(k) && k >= 1)) throw new UsageError(`k must be an integer ≥ 1, got ${k}`);
  if (k > rows) throw new UsageError(`k = ${k} is larger than the number of vectors (${rows})`);
}
