// Consistency checks of reader results, shared by the targets. Each returns a problem or undefined.

/** `data` holds `rows × dim` values, `rows` ≥ 0 and `dim` ≥ 1 integers. */
export function shapeProblem(rows: number, dim: number, length: number): string | undefined {
  if (!Number.isSafeInteger(rows) || rows < 0) return `rows ${rows} is not a non-negative integer`;
  if (!Number.isSafeInteger(dim) || dim < 1) return `dim ${dim} is not a positive integer`;
  if (rows * dim !== length) return `rows × dim = ${rows} × ${dim} but the data holds ${length} values`;
  return undefined;
}

/** Every value is finite. */
export function finiteProblem(data: ArrayLike<number>, what = 'data'): string | undefined {
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) return `${what}[${i}] is ${data[i]}`;
  return undefined;
}

/** No id repeats (1 and "1" are different). */
export function uniqueProblem(ids: ArrayLike<unknown>): string | undefined {
  const seen = new Set<unknown>();
  for (let i = 0; i < ids.length; i++) {
    if (seen.has(ids[i])) return `id ${JSON.stringify(ids[i])} appears twice`;
    seen.add(ids[i]);
  }
  return undefined;
}

/** Same float32 values bit for bit (any NaN equals any NaN: text formats do not keep NaN payloads). */
export function sameFloatsProblem(actual: Float32Array, expected: Float32Array, what = 'vectors'): string | undefined {
  if (actual.length !== expected.length) return `${what}: ${actual.length} values, expected ${expected.length}`;
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const b = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i] && !(Number.isNaN(actual[i]) && Number.isNaN(expected[i])))
      return `${what}[${i}] = ${actual[i]}, expected ${expected[i]}`;
  }
  return undefined;
}

/** Same values (numbers compared with Object.is, so -0 ≠ 0). */
export function sameListProblem(actual: ArrayLike<unknown>, expected: ArrayLike<unknown>, what: string): string | undefined {
  if (actual.length !== expected.length) return `${what}: ${actual.length} entries, expected ${expected.length}`;
  for (let i = 0; i < actual.length; i++) {
    if (!Object.is(actual[i], expected[i])) return `${what}[${i}] = ${JSON.stringify(actual[i])}, expected ${JSON.stringify(expected[i])}`;
  }
  return undefined;
}

/** The first problem of a list of checks. */
export function firstProblem(...problems: (string | undefined)[]): string | undefined {
  return problems.find((p) => p !== undefined);
}
