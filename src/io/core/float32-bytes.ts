/** True when this machine stores numbers little-endian (every platform Node supports in practice). */
export const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reverses the byte order of every 4-byte group of `bytes` in place. */
export function swap32InPlace(bytes: Uint8Array): void {
  for (let i = 0; i + 3 < bytes.length; i += 4) {
    const a = bytes[i];
    const b = bytes[i + 1];
    bytes[i] = bytes[i + 3];
    bytes[i + 1] = bytes[i + 2];
    bytes[i + 2] = b;
    bytes[i + 3] = a;
  }
}

/** Reverses the byte order of every 8-byte group of `bytes` in place. */
export function swap64InPlace(bytes: Uint8Array): void {
  for (let i = 0; i + 7 < bytes.length; i += 8) {
    for (let j = 0; j < 4; j++) {
      const t = bytes[i + j];
      bytes[i + j] = bytes[i + 7 - j];
      bytes[i + 7 - j] = t;
    }
  }
}

/** The little-endian bytes of `values`: a view (no copy) on little-endian hosts, a swapped copy otherwise. */
export function littleEndianBytes(values: Float32Array | Float64Array): Uint8Array {
  const view = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  if (HOST_IS_LITTLE_ENDIAN) return view;
  const copy = view.slice();
  if (values instanceof Float32Array) swap32InPlace(copy);
  else swap64InPlace(copy);
  return copy;
}
