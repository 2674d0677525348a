import { UsageError } from '../../errors.js';

/** Throws a UsageError unless `file` is a non-empty string. */
export function checkPath(file: unknown): asserts file is string {
  if (typeof file !== 'string' || file.length === 0) throw new UsageError(`path must be a non-empty string, got ${JSON.stringify(file)}`);
}
