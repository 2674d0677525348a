import { FileFormatError } from '../../errors.js';
import type { Container } from './read.js';
import { HOST_IS_LITTLE_ENDIAN } from '../core/float32-bytes.js';

/** A typed-array class (Float32Array, Uint32Array, BigInt64Array, …). */
export interface TypedArrayType<T> {
  new (buffer: ArrayBuffer, byteOffset: number, length: number): T;
  readonly BYTES_PER_ELEMENT: number;
  readonly name: string;
}

/**
 * Section `name` of `container` as a `type` array: a view without copying (sections are 64-byte
 * aligned), or a byte-swapped copy on a big-endian host (sections are little-endian). Throws a
 * FileFormatError naming the file when the section is missing or its size is not a multiple of the
 * element size.
 */
export function sectionAs<T>(container: Container, name: string, type: TypedArrayType<T>): T {
  const bytes = container.sections.get(name);
  if (!bytes)
    throw new FileFormatError(
      container.file,
      `missing section '${name}' (has ${[...container.sections.keys()].map((n) => `'${n}'`).join(', ') || 'none'})`,
    );
  const size = type.BYTES_PER_ELEMENT;
  if (bytes.length % size !== 0)
    throw new FileFormatError(container.file, `section '${name}' has ${bytes.length} bytes, not a whole number of ${type.name} elements`);
  if (HOST_IS_LITTLE_ENDIAN || size === 1) return new type(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.length / size);
  const copy = bytes.slice();
  for (let i = 0; i < copy.length; i += size) copy.subarray(i, i + size).reverse();
  return new type(copy.buffer, 0, copy.length / size);
}
