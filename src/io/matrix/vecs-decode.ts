import { FileFormatError } from '../../errors.js';
import { HOST_IS_LITTLE_ENDIAN, swap32InPlace } from '../core/float32-bytes.js';
import { VECS_ELEMENT_BYTES, VECS_MAX_DIM, vecsRowBytes, vecsView, type VecsArrayTypes, type VecsKind } from './vecs-layout.js';

function hexBytes(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/**
 * The dimension stored in the first 4 bytes (`head`) of a `size`-byte vecs file. Throws a
 * FileFormatError for an empty or too short file, a dimension ≤ 0 or one above {@link VECS_MAX_DIM}.
 */
export function decodeVecsDim(file: string, kind: VecsKind, head: Uint8Array, size: number): number {
  if (size === 0) throw new FileFormatError(file, `empty file (an .${kind} file holds at least one row)`);
  if (head.length < 4) throw new FileFormatError(file, `truncated: ${head.length} bytes, shorter than the 4-byte dimension of row 0`);
  const dim = new DataView(head.buffer, head.byteOffset, 4).getInt32(0, true);
  const start = hexBytes(head.subarray(0, 4));
  if (dim <= 0)
    throw new FileFormatError(file, `row 0 has dimension ${dim} (bytes ${start}); dimensions must be positive — not an .${kind} file?`);
  if (dim > VECS_MAX_DIM) {
    throw new FileFormatError(
      file,
      `row 0 has an implausible dimension ${dim} (bytes ${start}; more than ${VECS_MAX_DIM}) — not an .${kind} file?`,
    );
  }
  return dim;
}

/** The problem with a row whose dimension field reads `found` instead of `dim`. */
function dimensionMismatch(file: string, row: number, found: number, dim: number): FileFormatError {
  return new FileFormatError(file, `row ${row} has dimension ${found}, row 0 has ${dim}`);
}

/** The "truncated" error for a file ending `left` bytes into row `row`. */
export function truncatedRow(file: string, row: number, rowBytes: number, left: number): FileFormatError {
  return new FileFormatError(file, `truncated: row ${row} needs ${rowBytes} bytes, ${left} left`);
}

/**
 * Number of rows of a `size`-byte file of rows of dimension `dim`. Throws the "truncated" error when
 * the size is not a multiple of the row size (the rows themselves are not looked at).
 */
export function vecsRowCount(file: string, kind: VecsKind, size: number, dim: number): number {
  const rowBytes = vecsRowBytes(kind, dim);
  const rows = Math.floor(size / rowBytes);
  const left = size - rows * rowBytes;
  if (left !== 0) {
    const error = truncatedRow(file, rows, rowBytes, left);
    throw new FileFormatError(
      file,
      `${error.problem} (the file size ${size} is not a multiple of the ${rowBytes}-byte rows of dimension ${dim})`,
    );
  }
  return rows;
}

/**
 * Checks the `count` rows held in `bytes` (the first is row `firstRow` of the file) all have
 * dimension `dim`, and that `bytes` holds exactly `count` rows; then moves their values together in
 * place and returns them as one typed array viewing `bytes`' buffer (no copy; byte-swapped on a
 * big-endian host). `bytes` must start at a multiple of 4 in its buffer.
 */
export function decodeVecsRows<K extends VecsKind>(
  file: string,
  kind: K,
  bytes: Uint8Array,
  firstRow: number,
  count: number,
  dim: number,
): VecsArrayTypes[K] {
  const rowBytes = vecsRowBytes(kind, dim);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const full = Math.min(count, Math.floor(bytes.length / rowBytes));
  for (let i = 0; i < full; i++) {
    const found = view.getInt32(i * rowBytes, true);
    if (found !== dim) throw dimensionMismatch(file, firstRow + i, found, dim);
  }
  if (full < count) {
    const left = bytes.length - full * rowBytes;
    if (left >= 4) {
      const found = view.getInt32(full * rowBytes, true);
      if (found !== dim) throw dimensionMismatch(file, firstRow + full, found, dim);
    }
    throw truncatedRow(file, firstRow + full, rowBytes, left);
  }
  const valueBytes = dim * VECS_ELEMENT_BYTES[kind];
  for (let i = 0; i < count; i++) {
    const src = i * rowBytes + 4;
    bytes.copyWithin(i * valueBytes, src, src + valueBytes);
  }
  if (!HOST_IS_LITTLE_ENDIAN && kind !== 'bvecs') swap32InPlace(bytes.subarray(0, count * valueBytes));
  return vecsView(kind, bytes.buffer, bytes.byteOffset, count * dim);
}
