import { createHash } from 'node:crypto';
import { FileFormatError } from '../../errors.js';
import { readFileBytes } from '../../io/core/read-file.js';

/**
 * The container of embedkit's trained-model files (`.ekte`), little-endian:
 *   0  8 bytes  magic "EKTRAIN\0"
 *   8  u32      version (1)
 *  12  u32      H = byte length of the JSON header (padded with spaces to a multiple of 4)
 *  16  H bytes  JSON header (its `kind` says what the model is: see trained-file.ts, audio-cnn-file.ts)
 *      float32  the tensors the header describes, in its order
 *  end 32 bytes SHA-256 of everything before it
 */
export const TRAINED_MAGIC = Buffer.from('EKTRAIN\0', 'latin1');
export const TRAINED_VERSION = 1;
const PREFIX = 16;
const DIGEST = 32;
/** Header larger than this is refused as corrupt. */
const MAX_HEADER = 64 * 1024 * 1024;

/** Serialises a JSON header and float32 tensors into one buffer with its checksum. */
export function encodeEkte(header: object, tensors: readonly Float32Array[]): Buffer {
  let json = Buffer.from(JSON.stringify(header), 'utf8');
  if (json.length % 4 !== 0) json = Buffer.concat([json, Buffer.alloc(4 - (json.length % 4), 0x20)]);
  const floats = tensors.reduce((s, t) => s + t.length, 0);
  const buf = Buffer.alloc(PREFIX + json.length + floats * 4 + DIGEST);
  TRAINED_MAGIC.copy(buf, 0);
  buf.writeUInt32LE(TRAINED_VERSION, 8);
  buf.writeUInt32LE(json.length, 12);
  json.copy(buf, PREFIX);
  let o = PREFIX + json.length;
  for (const t of tensors) for (const v of t) o = buf.writeFloatLE(v, o);
  createHash('sha256').update(buf.subarray(0, o)).digest().copy(buf, o);
  return buf;
}

/** The bytes and parsed (unchecked) JSON header of a container; checks magic, version and header length. */
export interface EkteHeader {
  bytes: Buffer;
  header: unknown;
  /** Offset of the first tensor. */
  body: number;
}

/** Parses the fixed part and the JSON header of `.ekte` bytes (`file` only names it in errors). */
export function decodeEkteHeader(buf: Uint8Array, file: string): EkteHeader {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length === 0) throw new FileFormatError(file, 'empty file (0 bytes)');
  if (b.length < TRAINED_MAGIC.length || !b.subarray(0, TRAINED_MAGIC.length).equals(TRAINED_MAGIC)) {
    throw new FileFormatError(file, 'not an embedkit trained-encoder file (bad magic; expected a .ekte file written by embedkit)');
  }
  if (b.length < PREFIX + DIGEST)
    throw new FileFormatError(file, `truncated: ${b.length} bytes, shorter than the fixed parts of the format`);
  const version = b.readUInt32LE(8);
  if (version !== TRAINED_VERSION)
    throw new FileFormatError(file, `unsupported version ${version} (this embedkit reads version ${TRAINED_VERSION})`);
  const headerBytes = b.readUInt32LE(12);
  if (headerBytes > MAX_HEADER || headerBytes % 4 !== 0)
    throw new FileFormatError(file, `corrupt: header length ${headerBytes} is invalid`);
  if (b.length < PREFIX + headerBytes + DIGEST)
    throw new FileFormatError(file, `truncated: ${b.length} bytes, the header alone needs ${PREFIX + headerBytes + DIGEST}`);
  let header: unknown;
  try {
    header = JSON.parse(b.subarray(PREFIX, PREFIX + headerBytes).toString('utf8'));
  } catch {
    throw new FileFormatError(file, 'corrupt: the header is not valid JSON');
  }
  return { bytes: b, header, body: PREFIX + headerBytes };
}

/**
 * The tensors of sizes `sizes` after a checked header: the file length must be exactly header +
 * tensors + checksum (checked before anything is allocated), the checksum must match and every
 * value must be finite. `what` describes the tensors in the truncation message.
 */
export function readEkteTensors(h: EkteHeader, file: string, sizes: readonly number[], what: string): Float32Array[] {
  const b = h.bytes;
  const floats = sizes.reduce((s, n) => s + n, 0);
  const expected = h.body + floats * 4 + DIGEST;
  if (b.length < expected) throw new FileFormatError(file, `truncated: ${b.length} bytes, expected ${expected} for ${what}`);
  if (b.length > expected)
    throw new FileFormatError(file, `corrupt: ${b.length - expected} unexpected bytes after the weights (expected ${expected} bytes)`);
  const end = expected - DIGEST;
  const digest = createHash('sha256').update(b.subarray(0, end)).digest();
  if (!digest.equals(b.subarray(end))) throw new FileFormatError(file, 'corrupt: checksum mismatch (the file was modified or damaged)');
  let o = h.body;
  return sizes.map((n) => {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++, o += 4) {
      a[i] = b.readFloatLE(o);
      if (!Number.isFinite(a[i])) throw new FileFormatError(file, 'corrupt: non-finite weights');
    }
    return a;
  });
}

/** Reads a whole `.ekte` file; errors name the (absolute) path. */
export async function readEkteBytes(full: string): Promise<Buffer> {
  try {
    return await readFileBytes(full);
  } catch (error) {
    // an encrypted file that cannot be opened (no key, wrong key, damaged) says so itself
    if (error instanceof FileFormatError && !error.problem.startsWith('is a directory')) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new FileFormatError(
      full,
      code === 'ENOENT'
        ? 'file not found'
        : code === 'EISDIR' || error instanceof FileFormatError
          ? 'is a folder, expected a .ekte file'
          : `cannot read: ${(error as Error).message}`,
    );
  }
}
