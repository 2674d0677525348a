import { isGzip } from '../core/file-chunks.js';
import { withRangeSource, withRangeSourceSync } from '../core/range-source.js';
import { readWholeFile, readWholeFileSync } from '../core/whole-file.js';

/** Directories are refused as vector files (the reader's historical message). */
const MODEL = { what: 'vector file' };

/**
 * Byte offset of the dense input matrix's floats in a fastText model, or -1 when there is none
 * (quantized) or the bytes do not look like a model (the parser then names the problem). Skips the
 * header and the dictionary without decoding any string.
 */
export function denseInputOffset(bytes: Uint8Array): number {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // magic, version, 12 int32 args, t (float64), size, nwords, nlabels, ntokens (int64), pruneidx_size (int64)
  let o = 8 + 12 * 4 + 8;
  if (bytes.length < o + 28) return -1;
  const size = v.getInt32(o, true);
  const prune = Number(v.getBigInt64(o + 20, true));
  o += 28;
  if (size < 0) return -1;
  for (let i = 0; i < size; i++) {
    const end = bytes.indexOf(0, o);
    if (end < 0) return -1;
    o = end + 1 + 8 + 1;
  }
  if (prune > 0) o += prune * 8;
  if (o + 17 > bytes.length || bytes[o] !== 0) return -1;
  return o + 17;
}

/** Where to start the file in a buffer of size + 3 so that the float offset `at` is 4-aligned. */
const shiftFor = (at: number) => (at < 0 ? 0 : (4 - (at % 4)) % 4);

/**
 * A fastText model file's bytes placed so that the dense input matrix starts on a 4-byte boundary:
 * the parser can then view the largest array in place instead of copying it (a model's peak
 * memory is its size, not twice). The file is read once, into one buffer 3 bytes larger, and moved
 * right in place when needed. An encrypted model is decrypted chunk by chunk into that buffer.
 */
export function readModelBytesSync(file: string): Uint8Array {
  const { buf, size } = withRangeSourceSync(
    file,
    (source) => {
      const buf = new ArrayBuffer(source.size + 3);
      return { buf, size: source.readInto(new Uint8Array(buf, 0, source.size), 0) };
    },
    MODEL,
  );
  return place(buf, size) ?? readWholeFileSync(file).bytes;
}

/** Async {@link readModelBytesSync}. */
export async function readModelBytes(file: string): Promise<Uint8Array> {
  const { buf, size } = await withRangeSource(
    file,
    async (source) => {
      const buf = new ArrayBuffer(source.size + 3);
      return { buf, size: await source.readInto(new Uint8Array(buf, 0, source.size), 0) };
    },
    MODEL,
  );
  return place(buf, size) ?? (await readWholeFile(file)).bytes;
}

/** The bytes shifted into alignment, or undefined for a gzip file (decompressed by the caller). */
function place(buf: ArrayBuffer, size: number): Uint8Array | undefined {
  const bytes = new Uint8Array(buf, 0, size);
  if (isGzip(bytes)) return undefined;
  const shift = shiftFor(denseInputOffset(bytes));
  if (shift === 0) return bytes;
  new Uint8Array(buf).copyWithin(shift, 0, size);
  return new Uint8Array(buf, shift, size);
}
