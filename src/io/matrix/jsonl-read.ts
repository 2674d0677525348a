import { FileFormatError, UsageError } from '../../errors.js';
import { checkPath } from '../core/check-path.js';
import { readTextLines } from './jsonl-lines.js';
import { parseVectorRecord, type RecordId } from './jsonl-record.js';

/** Options of {@link streamJsonlVectors} and {@link readJsonlVectors}. */
export interface JsonlReadOptions {
  /** Read at most this many records (default: all). */
  limit?: number;
  /** Records per batch of {@link streamJsonlVectors} (default 1024). */
  batchRows?: number;
}

/** Records read from a JSON Lines file: `data` holds `rows × dim` float32 values, row-major. */
export interface JsonlVectors {
  ids: RecordId[];
  data: Float32Array;
  rows: number;
  dim: number;
  /** Per record: its keys other than `id` and `vector`, or undefined when it has none. */
  metadata: (Record<string, unknown> | undefined)[];
}

/** A batch of consecutive records. */
export interface JsonlBatch extends JsonlVectors {
  /** Index of the batch's first record among all records of the file. */
  firstRow: number;
}

function positiveInt(name: string, value: unknown, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new UsageError(`${name} must be an integer ≥ ${min}, got ${String(value)}`);
  }
  return value;
}

/**
 * Reads a JSON Lines file of records `{"id": <string|number>, "vector": [numbers], ...metadata}` in
 * batches (gzip-compressed files too). Blank lines are skipped. Every vector must have the length of
 * the first one; ids must be unique. Errors are FileFormatErrors naming the file and line: invalid
 * JSON or UTF-8, a missing or invalid id, a vector that is not a non-empty array of finite numbers
 * within the float32 range, a dimension mismatch, a duplicate id, or a file without records.
 */
export async function* streamJsonlVectors(file: string, options: JsonlReadOptions = {}): AsyncGenerator<JsonlBatch> {
  checkPath(file);
  const limit = positiveInt('limit', options.limit, 0) ?? Infinity;
  const batchRows = positiveInt('batchRows', options.batchRows, 1) ?? 1024;
  if (limit === 0) return;
  const seen = new Map<RecordId, number>();
  let dim = 0;
  let firstLine = 0;
  let total = 0;
  let batch: JsonlBatch | undefined;
  for await (const { line, text } of readTextLines(file)) {
    if (text.trim() === '') continue;
    const record = parseVectorRecord(file, line, text);
    if (total === 0) {
      dim = record.vector.length;
      firstLine = line;
    } else if (record.vector.length !== dim) {
      throw new FileFormatError(
        file,
        `line ${line}: "vector" has ${record.vector.length} values, the first record (line ${firstLine}) has ${dim}`,
      );
    }
    const previous = seen.get(record.id);
    if (previous !== undefined)
      throw new FileFormatError(file, `line ${line}: duplicate id ${JSON.stringify(record.id)} (first on line ${previous})`);
    seen.set(record.id, line);
    // The batch grows with the records read: a first record of 100,000 values followed by a bad line
    // must not allocate room for batchRows of them.
    batch ??= { ids: [], data: new Float32Array(Math.min(batchRows, 16) * dim), rows: 0, dim, metadata: [], firstRow: total };
    if ((batch.rows + 1) * dim > batch.data.length) {
      const grown = new Float32Array(Math.min(batchRows, 2 * (batch.rows + 1)) * dim);
      grown.set(batch.data);
      batch.data = grown;
    }
    batch.data.set(record.vector, batch.rows * dim);
    batch.ids.push(record.id);
    batch.metadata.push(record.metadata);
    batch.rows++;
    total++;
    if (batch.rows === batchRows || total === limit) {
      const full = batch;
      batch = undefined;
      if (full.data.length > full.rows * dim) full.data = full.data.slice(0, full.rows * dim);
      yield full;
      if (total === limit) return;
    }
  }
  if (total === 0) throw new FileFormatError(file, 'empty file (no JSON Lines records)');
  if (batch) {
    if (batch.data.length > batch.rows * dim) batch.data = batch.data.slice(0, batch.rows * dim);
    yield batch;
  }
}

/** Reads a whole JSON Lines file of vector records into one matrix; see {@link streamJsonlVectors}. */
export async function readJsonlVectors(file: string, options: Omit<JsonlReadOptions, 'batchRows'> = {}): Promise<JsonlVectors> {
  const batches: JsonlBatch[] = [];
  for await (const batch of streamJsonlVectors(file, { limit: options.limit, batchRows: 4096 })) batches.push(batch);
  const dim = batches[0]?.dim ?? 0;
  const rows = batches.reduce((n, b) => n + b.rows, 0);
  const data = new Float32Array(rows * dim);
  const ids: RecordId[] = [];
  const metadata: (Record<string, unknown> | undefined)[] = [];
  for (const batch of batches) {
    data.set(batch.data, batch.firstRow * dim);
    for (let i = 0; i < batch.rows; i++) {
      ids.push(batch.ids[i]);
      metadata.push(batch.metadata[i]);
    }
  }
  return { ids, data, rows, dim, metadata };
}
