import zlib from 'node:zlib';

type Crc32Fn = (data: Uint8Array, previous?: number) => number;

let table: Uint32Array | undefined;

function tableCrc32(data: Uint8Array, previous = 0): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let crc = (previous ^ 0xffffffff) >>> 0;
  for (let i = 0; i < data.length; i++) crc = table[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const native = (zlib as unknown as { crc32?: Crc32Fn }).crc32;

/**
 * CRC-32 (IEEE 802.3, the one used by zlib, gzip and PNG) of `data`, continuing from `previous`
 * (the CRC of the bytes before `data`) so a checksum can be computed piece by piece.
 * Uses `zlib.crc32` when Node provides it (≥ 20.15), else a table implementation with the same result.
 */
export function crc32(data: Uint8Array, previous = 0): number {
  // Node's zlib.crc32 returns 0 instead of `previous` for an empty view of an empty ArrayBuffer.
  if (data.length === 0) return previous >>> 0;
  return native ? native(data, previous) >>> 0 : tableCrc32(data, previous);
}

/** The portable table implementation of {@link crc32}; exported so tests can compare both. */
export const crc32Portable: Crc32Fn = tableCrc32;
