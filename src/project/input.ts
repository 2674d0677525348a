import { availableParallelism } from 'node:os';
import { UsageError } from '../errors.js';

/**
 * Checks the rows given to a projection: integer n ≥ `minRows` and dim ≥ 1, a data array of at
 * least n × dim floats, and only finite values (the first NaN or ±Infinity is named with its row).
 */
export function checkVectors(what: string, vectors: Float32Array, n: number, dim: number, minRows: number): void {
  if (!(vectors instanceof Float32Array)) throw new UsageError(`${what}: vectors must be a Float32Array (n × dim, row-major)`);
  if (!(Number.isInteger(n) && n >= 0 && Number.isInteger(dim) && dim >= 1))
    throw new UsageError(`${what}: n and dim must be integers, n ≥ 0 and dim ≥ 1 (got n = ${n}, dim = ${dim})`);
  if (vectors.length < n * dim)
    throw new UsageError(`${what}: ${n} rows of ${dim} need ${n * dim} floats, the array has ${vectors.length}`);
  if (n < minRows) throw new UsageError(`${what}: needs at least ${minRows} vectors, got ${n}`);
  for (let i = 0, m = n * dim; i < m; i++) {
    if (!Number.isFinite(vectors[i]))
      throw new UsageError(`${what}: row ${Math.floor(i / dim)} has a non-finite value (${vectors[i]}) at dimension ${i % dim}`);
  }
}

/** Checks that `dims` is 2 or 3. */
export function checkDims(what: string, dims: number): 2 | 3 {
  if (dims !== 2 && dims !== 3) throw new UsageError(`${what}: dims must be 2 or 3, got ${dims}`);
  return dims;
}

/** An integer option in [min, max] (or the default when undefined). */
export function intOption(
  what: string,
  name: string,
  value: number | undefined,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const v = value ?? fallback;
  if (!(Number.isInteger(v) && v >= min && v <= max))
    throw new UsageError(`${what}: ${name} must be an integer in ${min}..${max === Number.MAX_SAFE_INTEGER ? '∞' : max}, got ${v}`);
  return v;
}

/** A finite number option > min (or ≥ min when `inclusive`). */
export function numberOption(
  what: string,
  name: string,
  value: number | undefined,
  fallback: number,
  min: number,
  inclusive = false,
): number {
  const v = value ?? fallback;
  if (!(Number.isFinite(v) && (inclusive ? v >= min : v > min)))
    throw new UsageError(`${what}: ${name} must be a number ${inclusive ? '≥' : '>'} ${min}, got ${v}`);
  return v;
}

/** Worker threads: the option, or the available cores. */
export function threadsOption(what: string, value: number | undefined): number {
  return intOption(what, 'threads', value, availableParallelism(), 1, 256);
}

/** The seed: an integer (default 0). */
export function seedOption(what: string, value: number | undefined): number {
  const v = value ?? 0;
  if (!Number.isSafeInteger(v)) throw new UsageError(`${what}: seed must be an integer, got ${v}`);
  return v;
}
