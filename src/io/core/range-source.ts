import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { FileFormatError } from '../../errors.js';
import { resolveEncryptionKey } from '../crypto/context.js';
import { ENVELOPE_MAGIC, looksLikeEnvelope } from '../crypto/envelope-format.js';
import type { EncryptionKey } from '../crypto/keys.js';
import { decryptInto, readEnvelopeHeader, requireKey, verifyEnvelope, type OpenEnvelope, type Reads } from '../crypto/open-envelope.js';
import { readRange, readRangeSync } from './file-range.js';

/** Largest single read request (reads of more than 2 GiB fail on some platforms). */
const MAX_READ = 1 << 30;

/** Options of {@link openRangeSource}. */
export interface RangeSourceOptions {
  /** Key for an encrypted file (default: the key in effect, see io/crypto/context.ts); null: none. */
  key?: EncryptionKey | null;
  /** What the file should be, for the error about a directory (default 'data file'). */
  what?: string;
}

/**
 * The content of a file, read by byte ranges. For a file in the encrypted envelope the ranges are of
 * the plaintext: only the chunks they touch are read and authenticated (never a whole decrypted
 * copy besides what is asked for), and `size` is the plaintext size, proven by the final chunk.
 */
export interface RangeSourceSync {
  readonly file: string;
  /** Content size in bytes (the plaintext size of an encrypted file). */
  readonly size: number;
  /** The file is encrypted (and was opened with the right key). */
  readonly encrypted: boolean;
  /** Fills `target` from content offset `position`; returns the bytes written (fewer at the end). */
  readInto(target: Uint8Array, position: number): number;
  /** Bytes `[position, position + length)` in a fresh ArrayBuffer (offset 0, aligned); shorter at the end. */
  read(position: number, length: number): Uint8Array;
  close(): void;
}

/** Async {@link RangeSourceSync}. */
export interface RangeSource {
  readonly file: string;
  readonly size: number;
  readonly encrypted: boolean;
  readInto(target: Uint8Array, position: number): Promise<number>;
  read(position: number, length: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

function runSync<T>(fd: number, steps: Reads<T>): T {
  let step = steps.next();
  while (!step.done) step = steps.next(readRangeSync(fd, step.value.position, step.value.length));
  return step.value;
}

async function run<T>(handle: fsp.FileHandle, steps: Reads<T>): Promise<T> {
  let step = steps.next();
  while (!step.done) step = steps.next(await readRange(handle, step.value.position, step.value.length));
  return step.value;
}

function checkRegular(file: string, stats: fs.Stats, what: string | undefined): void {
  if (stats.isDirectory()) throw new FileFormatError(file, `is a directory, not a ${what ?? 'data file'}`);
}

/** Opens the envelope of `fd` when the file starts with its magic, else undefined. */
function openEnvelopeSync(file: string, fd: number, size: number, key: EncryptionKey | null | undefined): OpenEnvelope | undefined {
  if (!looksLikeEnvelope(readRangeSync(fd, 0, Math.min(size, ENVELOPE_MAGIC.length)))) return undefined;
  const header = runSync(fd, readEnvelopeHeader(file, size));
  const master = requireKey(file, header, resolveEncryptionKey(key)).masterForSync(file, header);
  return runSync(fd, verifyEnvelope(file, header, master, size));
}

async function openEnvelope(
  file: string,
  handle: fsp.FileHandle,
  size: number,
  key: EncryptionKey | null | undefined,
): Promise<OpenEnvelope | undefined> {
  if (!looksLikeEnvelope(await readRange(handle, 0, Math.min(size, ENVELOPE_MAGIC.length)))) return undefined;
  const header = await run(handle, readEnvelopeHeader(file, size));
  const master = await requireKey(file, header, resolveEncryptionKey(key)).masterFor(file, header);
  return run(handle, verifyEnvelope(file, header, master, size));
}

/** Opens `file` for range reads, decrypting it when it is in the encrypted envelope. Directories: FileFormatError. */
export function openRangeSourceSync(file: string, options: RangeSourceOptions = {}): RangeSourceSync {
  const fd = fs.openSync(file, 'r');
  try {
    const stats = fs.fstatSync(fd);
    checkRegular(file, stats, options.what);
    const envelope = openEnvelopeSync(file, fd, stats.size, options.key);
    const size = envelope ? envelope.geometry.plainBytes : stats.size;
    const readInto = (target: Uint8Array, position: number): number => {
      if (envelope) return runSync(fd, decryptInto(envelope, target, position));
      let filled = 0;
      while (filled < target.length) {
        const n = fs.readSync(fd, target, filled, Math.min(target.length - filled, MAX_READ), position + filled);
        if (n === 0) break;
        filled += n;
      }
      return filled;
    };
    return {
      file,
      size,
      encrypted: envelope !== undefined,
      readInto,
      read(position, length) {
        const bytes = new Uint8Array(new ArrayBuffer(Math.max(0, Math.min(length, size - position))));
        const n = readInto(bytes, position);
        return n === bytes.length ? bytes : bytes.subarray(0, n);
      },
      close: () => fs.closeSync(fd),
    };
  } catch (error) {
    fs.closeSync(fd);
    throw error;
  }
}

/** Async {@link openRangeSourceSync}. */
export async function openRangeSource(file: string, options: RangeSourceOptions = {}): Promise<RangeSource> {
  const handle = await fsp.open(file, 'r');
  try {
    const stats = await handle.stat();
    checkRegular(file, stats, options.what);
    const envelope = await openEnvelope(file, handle, stats.size, options.key);
    const size = envelope ? envelope.geometry.plainBytes : stats.size;
    const readInto = async (target: Uint8Array, position: number): Promise<number> => {
      if (envelope) return run(handle, decryptInto(envelope, target, position));
      let filled = 0;
      while (filled < target.length) {
        const { bytesRead } = await handle.read(target, filled, Math.min(target.length - filled, MAX_READ), position + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return filled;
    };
    return {
      file,
      size,
      encrypted: envelope !== undefined,
      readInto,
      async read(position, length) {
        const bytes = new Uint8Array(new ArrayBuffer(Math.max(0, Math.min(length, size - position))));
        const n = await readInto(bytes, position);
        return n === bytes.length ? bytes : bytes.subarray(0, n);
      },
      close: () => handle.close(),
    };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** Opens `file`, calls `use` with its source and closes it. */
export function withRangeSourceSync<T>(file: string, use: (source: RangeSourceSync) => T, options: RangeSourceOptions = {}): T {
  const source = openRangeSourceSync(file, options);
  try {
    return use(source);
  } finally {
    source.close();
  }
}

/** Async {@link withRangeSourceSync}. */
export async function withRangeSource<T>(
  file: string,
  use: (source: RangeSource) => Promise<T>,
  options: RangeSourceOptions = {},
): Promise<T> {
  const source = await openRangeSource(file, options);
  try {
    return await use(source);
  } finally {
    await source.close();
  }
}
