import { FileFormatError } from '../../errors.js';

/** An id of a JSON Lines record: a string or a finite number (`1` and `"1"` are different ids). */
export type RecordId = string | number;

/** One validated JSON Lines record. */
export interface VectorRecord {
  id: RecordId;
  vector: number[];
  /** The record's other keys; undefined when it has none. */
  metadata: Record<string, unknown> | undefined;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

/**
 * Parses and validates line `line` of `file`: a JSON object with an `id` (string or finite number)
 * and a non-empty `vector` of finite numbers within the float32 range. Throws a FileFormatError
 * naming the file and line.
 */
export function parseVectorRecord(file: string, line: number, text: string): VectorRecord {
  const fail = (problem: string): never => {
    throw new FileFormatError(file, `line ${line}: ${problem}`);
  };
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch (error) {
    return fail(`invalid JSON (${(error as Error).message})`);
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    return fail(`expected a JSON object like {"id": …, "vector": […]}, found ${typeName(record)}`);
  }
  const { id, vector, ...rest } = record as Record<string, unknown>;
  if (!('id' in record)) fail('missing "id"');
  if (typeof id !== 'string' && !(typeof id === 'number' && Number.isFinite(id)))
    fail(`"id" must be a string or a number, found ${typeName(id)}`);
  if (!('vector' in record)) fail('missing "vector"');
  if (!Array.isArray(vector)) return fail(`"vector" must be an array of numbers, found ${typeName(vector)}`);
  if (vector.length === 0) fail('"vector" is empty');
  for (let i = 0; i < vector.length; i++) {
    const v: unknown = vector[i];
    if (typeof v !== 'number') fail(`"vector"[${i}] is ${typeName(v)}, not a number`);
    else if (!Number.isFinite(v)) fail(`"vector"[${i}] is not a finite number`);
    else if (!Number.isFinite(Math.fround(v))) fail(`"vector"[${i}] = ${v} is outside the float32 range`);
  }
  return { id: id as RecordId, vector: vector as number[], metadata: Object.keys(rest).length > 0 ? rest : undefined };
}
