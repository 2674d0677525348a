import { hkdfSync } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { FileFormatError, UsageError } from '../errors.js';

/** Fewest bytes of secret a key file must hold (128 bits). */
export const MIN_KEY_BYTES = 16;
const MAX_KEY_FILE_BYTES = 1 << 16;

/**
 * The secret bytes of a key file: its whole content (binary, or text such as the output of
 * `openssl rand -hex 32`), with one final newline dropped. At least 16 bytes; at most 64 KiB.
 */
export async function readKeyFile(file: string): Promise<Buffer> {
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new UsageError(`${file}: the key file is not a regular file`);
    size = info.size;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`${file}: no such key file`);
    throw e;
  }
  if (size > MAX_KEY_FILE_BYTES) throw new FileFormatError(file, `is ${size} bytes: a key file holds at most ${MAX_KEY_FILE_BYTES} bytes`);
  let bytes = await readFile(file);
  if (bytes.at(-1) === 0x0a) bytes = bytes.subarray(0, bytes.at(-2) === 0x0d ? -2 : -1);
  if (bytes.length < MIN_KEY_BYTES)
    throw new FileFormatError(
      file,
      `holds ${bytes.length} bytes of key: give at least ${MIN_KEY_BYTES} (e.g. openssl rand -hex 32 > ${file})`,
    );
  return bytes;
}

/**
 * A key for one use of the key file's secret, by HKDF-SHA256 (RFC 5869) with `purpose` as the info
 * string: keys for different purposes (hashing PII, rotating vectors, encrypting files) are
 * independent even when users give the same key file to all of them.
 */
export function deriveKey(secret: Uint8Array, purpose: string, bytes = 32): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'embedkit', purpose, bytes));
}
