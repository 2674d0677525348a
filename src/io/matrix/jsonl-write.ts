import { UsageError } from '../../errors.js';
import { writeFileAtomic } from '../core/atomic-write.js';
import { checkPath } from '../core/check-path.js';
import { formatFloat32 } from '../core/float-text.js';
import type { RecordId } from './jsonl-record.js';

/** What {@link writeJsonlVectors} writes: one record per row. */
export interface JsonlVectorsInput {
  /** One unique id per row (strings or finite numbers). */
  ids: readonly RecordId[];
  /** `ids.length × dim` values, row-major; all finite. */
  data: Float32Array;
  dim: number;
  /** Optional per-row metadata merged into the record (must not use the keys `id` or `vector`). */
  metadata?: readonly (Record<string, unknown> | undefined)[];
}

const CHUNK_CHARS = 1 << 20;

function checkInput(input: JsonlVectorsInput): void {
  const { ids, data, dim, metadata } = input ?? ({} as JsonlVectorsInput);
  if (!Array.isArray(ids)) throw new UsageError('ids must be an array');
  if (!(data instanceof Float32Array)) throw new UsageError('data must be a Float32Array');
  if (!Number.isSafeInteger(dim) || dim < 1) throw new UsageError(`dim must be a positive integer, got ${String(dim)}`);
  if (data.length !== ids.length * dim)
    throw new UsageError(`data has ${data.length} values, expected ids.length × dim = ${ids.length} × ${dim}`);
  if (metadata !== undefined && (!Array.isArray(metadata) || metadata.length !== ids.length)) {
    throw new UsageError(`metadata must be an array with one entry per id (${ids.length})`);
  }
  const seen = new Set<RecordId>();
  ids.forEach((id, row) => {
    if (typeof id !== 'string' && !(typeof id === 'number' && Number.isFinite(id)))
      throw new UsageError(`ids[${row}] must be a string or a finite number, got ${String(id)}`);
    if (seen.has(id)) throw new UsageError(`duplicate id ${JSON.stringify(id)} (ids[${row}])`);
    seen.add(id);
  });
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) throw new UsageError(`data[${i}] (row ${Math.floor(i / dim)}) is ${data[i]}: JSON cannot store it`);
  }
}

function metadataText(meta: Record<string, unknown> | undefined, row: number): string {
  if (meta === undefined) return '';
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta))
    throw new UsageError(`metadata[${row}] must be an object or undefined`);
  if (Object.hasOwn(meta, 'id') || Object.hasOwn(meta, 'vector'))
    throw new UsageError(`metadata[${row}] must not have the keys "id" or "vector"`);
  let json: string;
  try {
    json = JSON.stringify(meta);
  } catch (error) {
    throw new UsageError(`metadata[${row}] cannot be written as JSON: ${(error as Error).message}`);
  }
  return json === '{}' ? '' : `,${json.slice(1, -1)}`;
}

function* encodeJsonl(input: JsonlVectorsInput): Generator<string> {
  const { ids, data, dim, metadata } = input;
  let chunk = '';
  for (let row = 0; row < ids.length; row++) {
    const values: string[] = new Array<string>(dim);
    for (let j = 0; j < dim; j++) {
      const v = data[row * dim + j];
      values[j] = Object.is(v, -0) ? '-0.0' : formatFloat32(v); // Python's json reads "-0" as the integer 0
    }
    chunk += `{"id":${JSON.stringify(ids[row])},"vector":[${values.join(',')}]${metadataText(metadata?.[row], row)}}\n`;
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk.length > 0) yield chunk;
}

/**
 * Writes one JSON record per row, `{"id": …, "vector": […], ...metadata}`, atomically (temporary
 * file + rename). Floats are written as the shortest decimals that read back as the same float32.
 * UsageError for mismatched lengths, duplicate or invalid ids, non-finite values, or metadata that is
 * not a plain JSON-serialisable object (or uses the keys `id`/`vector`); the target is untouched then.
 */
export async function writeJsonlVectors(file: string, input: JsonlVectorsInput): Promise<void> {
  checkPath(file);
  checkInput(input);
  await writeFileAtomic(file, encodeJsonl(input));
}
