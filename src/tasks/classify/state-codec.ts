import { FileFormatError } from '../../errors.js';

/** A Float32Array as base64 (little-endian bytes), for the JSON model file. */
export function floatsToBase64(a: Float32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

/** Decodes {@link floatsToBase64}, checking the length and that every value is finite; `what` names the array in errors. */
export function floatsFromBase64(s: unknown, length: number, file: string, what: string): Float32Array {
  if (typeof s !== 'string') throw new FileFormatError(file, `${what} must be a base64 string`);
  const bytes = Buffer.from(s, 'base64');
  if (bytes.length !== length * 4) throw new FileFormatError(file, `${what} holds ${bytes.length} bytes, expected ${length} floats`);
  const a = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  if (!a.every(Number.isFinite)) throw new FileFormatError(file, `${what} holds a non-finite value`);
  return a;
}
