import { UsageError } from '../../errors.js';
import { writeFileAtomic, writeFileAtomicSync } from '../core/atomic-write.js';
import { checkPath } from '../core/check-path.js';
import { HOST_IS_LITTLE_ENDIAN, swap32InPlace } from '../core/float32-bytes.js';
import { encodeNpyHeader } from './npy-header.js';
import type { MatrixInput } from './vecs-write.js';

/** Arrays {@link writeNpy} writes, with their numpy dtype. */
export type NpyWritableArray = Float32Array | Int32Array | Uint8Array;

const CHUNK_BYTES = 8 << 20;

function descrOf(data: unknown): string {
  if (data instanceof Float32Array) return '<f4';
  if (data instanceof Int32Array) return '<i4';
  if (data instanceof Uint8Array) return '|u1';
  throw new UsageError(
    `.npy data must be a Float32Array, Int32Array or Uint8Array, got ${(data as object | null)?.constructor?.name ?? String(data)}`,
  );
}

/** Checks `matrix` (UsageError) and returns the file header. */
function npyHeaderFor(matrix: MatrixInput<NpyWritableArray>): Uint8Array {
  const { data, dim, rows } = matrix ?? ({} as MatrixInput<NpyWritableArray>);
  const descr = descrOf(data);
  if (!Number.isSafeInteger(dim) || dim < 1) throw new UsageError(`dim must be a positive integer, got ${String(dim)}`);
  if (data.length % dim !== 0) throw new UsageError(`data has ${data.length} values, not a multiple of dim ${dim}`);
  const count = data.length / dim;
  if (rows !== undefined && rows !== count) throw new UsageError(`rows is ${String(rows)} but data holds ${count} rows of dim ${dim}`);
  return encodeNpyHeader(descr, [count, dim]);
}

/** The header, then the data in chunks (views of `data` on little-endian hosts). */
function* encodeNpy(header: Uint8Array, data: NpyWritableArray): Generator<Uint8Array> {
  yield header;
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  for (let start = 0; start < bytes.length; start += CHUNK_BYTES) {
    const chunk = bytes.subarray(start, Math.min(bytes.length, start + CHUNK_BYTES));
    if (HOST_IS_LITTLE_ENDIAN || data instanceof Uint8Array) {
      yield chunk;
    } else {
      const swapped = chunk.slice();
      swap32InPlace(swapped);
      yield swapped;
    }
  }
}

/**
 * Writes a 2-D `.npy` file (format 1.0, C order, header padded so the data starts at a multiple of
 * 64 bytes, byte-identical to `numpy.save`): Float32Array → `<f4`, Int32Array → `<i4`, Uint8Array →
 * `|u1`. Atomic (temporary file + rename). UsageError for another array type or an inconsistent dim/rows.
 */
export async function writeNpy(file: string, matrix: MatrixInput<NpyWritableArray>): Promise<void> {
  checkPath(file);
  const header = npyHeaderFor(matrix);
  await writeFileAtomic(file, encodeNpy(header, matrix.data));
}

/** Synchronous {@link writeNpy}. */
export function writeNpySync(file: string, matrix: MatrixInput<NpyWritableArray>): void {
  checkPath(file);
  const header = npyHeaderFor(matrix);
  writeFileAtomicSync(file, encodeNpy(header, matrix.data));
}
