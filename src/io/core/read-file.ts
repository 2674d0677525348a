import { openRangeSource, openRangeSourceSync, type RangeSourceOptions } from './range-source.js';

const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * `fs.readFile` for the files embedkit writes: the whole content as a Buffer, decrypted when the
 * file is encrypted (io/crypto; the key in effect unless `options.key`). System errors (ENOENT …)
 * come through unchanged; a directory is a FileFormatError; so are a missing or wrong key and a
 * damaged encrypted file.
 */
export async function readFileBytes(file: string, options: RangeSourceOptions = {}): Promise<Buffer> {
  const source = await openRangeSource(file, options);
  try {
    return asBuffer(await source.read(0, source.size));
  } finally {
    await source.close();
  }
}

/** Synchronous {@link readFileBytes}. */
export function readFileBytesSync(file: string, options: RangeSourceOptions = {}): Buffer {
  const source = openRangeSourceSync(file, options);
  try {
    return asBuffer(source.read(0, source.size));
  } finally {
    source.close();
  }
}

/** {@link readFileBytes} decoded as UTF-8 (like `fs.readFile(file, 'utf8')`: invalid bytes become U+FFFD). */
export async function readTextFile(file: string, options: RangeSourceOptions = {}): Promise<string> {
  return (await readFileBytes(file, options)).toString('utf8');
}
