import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { FileFormatError } from '../../errors.js';

/** Largest single read request (reads of more than 2 GiB fail on some platforms). */
const MAX_READ = 1 << 30;

function checkRegular(file: string, stats: fs.Stats): void {
  if (stats.isDirectory()) throw new FileFormatError(file, 'is a directory, not a data file');
}

/**
 * Bytes `[position, position + length)` of the open file `fd`, in a fresh ArrayBuffer of their own
 * (byteOffset 0, so typed-array views of it are aligned). Shorter if the file ends first.
 */
export function readRangeSync(fd: number, position: number, length: number): Uint8Array {
  const bytes = new Uint8Array(new ArrayBuffer(length));
  let filled = 0;
  while (filled < length) {
    const n = fs.readSync(fd, bytes, filled, Math.min(length - filled, MAX_READ), position + filled);
    if (n === 0) break;
    filled += n;
  }
  return filled === length ? bytes : bytes.subarray(0, filled);
}

/** Async {@link readRangeSync}. */
export async function readRange(handle: fsp.FileHandle, position: number, length: number): Promise<Uint8Array> {
  const bytes = new Uint8Array(new ArrayBuffer(length));
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(bytes, filled, Math.min(length - filled, MAX_READ), position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled === length ? bytes : bytes.subarray(0, filled);
}

/** Opens `file` for reading, calls `use(fd, size)` and closes it. Directories give a FileFormatError. */
export function withOpenFileSync<T>(file: string, use: (fd: number, size: number) => T): T {
  const fd = fs.openSync(file, 'r');
  try {
    const stats = fs.fstatSync(fd);
    checkRegular(file, stats);
    return use(fd, stats.size);
  } finally {
    fs.closeSync(fd);
  }
}

/** Async {@link withOpenFileSync}. */
export async function withOpenFile<T>(file: string, use: (handle: fsp.FileHandle, size: number) => Promise<T>): Promise<T> {
  const handle = await fsp.open(file, 'r');
  try {
    const stats = await handle.stat();
    checkRegular(file, stats);
    return await use(handle, stats.size);
  } finally {
    await handle.close();
  }
}
