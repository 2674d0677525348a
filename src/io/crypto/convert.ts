import fsp from 'node:fs/promises';
import { FileFormatError, UsageError } from '../../errors.js';
import { openAtomicWriter } from '../core/atomic-write.js';
import { openRangeSource } from '../core/range-source.js';
import { resolveEncryptionKey } from './context.js';
import { ENVELOPE_MAGIC, looksLikeEnvelope, HEADER_BYTES, hex, parseHeader, type EnvelopeHeader } from './envelope-format.js';
import type { EncryptionKey } from './keys.js';

/** Bytes copied at a time. */
const PIECE_BYTES = 1 << 20;

/** Options of {@link encryptFile} and {@link decryptFile}. */
export interface FileCryptOptions {
  /** The key (default: the key in effect; one is required). */
  key?: EncryptionKey;
  /** Plaintext bytes per encrypted chunk (encryptFile; default 64 KiB). */
  chunkBytes?: number;
  /** Called after each piece with the bytes done and the total (plaintext bytes). */
  onProgress?: (done: number, total: number) => void;
}

/** What {@link encryptFile} and {@link decryptFile} did. */
export interface FileCryptResult {
  input: string;
  output: string;
  /** Plaintext bytes. */
  bytes: number;
  /** Key id (hex) in the encrypted file's header. */
  keyId: string;
}

/** Facts of an encrypted file's header (no key needed). */
export interface EnvelopeInfo {
  keyId: string;
  kdf: 'raw' | 'scrypt';
  chunkBytes: number;
}

function keyOf(options: FileCryptOptions, action: string): EncryptionKey {
  const key = resolveEncryptionKey(options.key);
  if (!key) throw new UsageError(`${action} needs a key (--key-file FILE or EMBEDKIT_KEY_FILE)`);
  return key;
}

/** The header of `file` if it is encrypted (checked, without a key), else undefined. */
export async function readEnvelopeInfo(file: string): Promise<EnvelopeInfo | undefined> {
  const handle = await fsp.open(file, 'r');
  let head: Uint8Array;
  let size: number;
  try {
    const stats = await handle.stat();
    if (stats.isDirectory()) throw new FileFormatError(file, 'is a directory, not a file');
    size = stats.size;
    head = new Uint8Array(HEADER_BYTES);
    const { bytesRead } = await handle.read(head, 0, HEADER_BYTES, 0);
    head = head.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  if (!looksLikeEnvelope(head)) return undefined;
  const header: EnvelopeHeader = parseHeader(file, head, size);
  return { keyId: hex(header.keyId), kdf: header.kdf.kind, chunkBytes: header.chunkBytes };
}

/** Whether `file` starts with the encrypted envelope's magic. */
export async function isEncryptedFile(file: string): Promise<boolean> {
  const handle = await fsp.open(file, 'r');
  try {
    if ((await handle.stat()).isDirectory()) return false;
    const head = new Uint8Array(ENVELOPE_MAGIC.length);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return looksLikeEnvelope(head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

/**
 * Encrypts any file (`input` must not be encrypted already) into `output`, atomically, streaming
 * 1 MiB at a time. `output` may be `input` (it is replaced only once the whole envelope is written).
 */
export async function encryptFile(input: string, output: string, options: FileCryptOptions = {}): Promise<FileCryptResult> {
  const key = keyOf(options, 'encrypt');
  const existing = await readEnvelopeInfo(input);
  if (existing) throw new UsageError(`${input} is already encrypted (key id ${existing.keyId})`);
  const source = await openRangeSource(input, { key: null, what: 'file to encrypt' });
  try {
    const writer = await openAtomicWriter(output, { encryption: key, chunkBytes: options.chunkBytes });
    try {
      for (let done = 0; done < source.size;) {
        const piece = await source.read(done, PIECE_BYTES);
        if (piece.length === 0) break;
        await writer.write(piece);
        done += piece.length;
        options.onProgress?.(done, source.size);
      }
    } catch (error) {
      await writer.abort();
      throw error;
    }
    await writer.commit();
  } finally {
    await source.close();
  }
  const info = (await readEnvelopeInfo(output))!;
  return { input, output, bytes: source.size, keyId: info.keyId };
}

/**
 * Decrypts `input` (an encrypted file) into a plain `output`, atomically, 1 MiB at a time; every
 * chunk is authenticated before its bytes are written, and a failure leaves no output (and an
 * existing `output` untouched).
 */
export async function decryptFile(input: string, output: string, options: FileCryptOptions = {}): Promise<FileCryptResult> {
  const key = keyOf(options, 'decrypt');
  const info = await readEnvelopeInfo(input);
  if (!info) throw new UsageError(`${input} is not encrypted (no embedkit envelope)`);
  const source = await openRangeSource(input, { key, what: 'file to decrypt' });
  try {
    const writer = await openAtomicWriter(output, { encryption: null });
    try {
      for (let done = 0; done < source.size;) {
        const piece = await source.read(done, PIECE_BYTES);
        await writer.write(piece);
        done += piece.length;
        options.onProgress?.(done, source.size);
      }
    } catch (error) {
      await writer.abort();
      throw error;
    }
    await writer.commit();
  } finally {
    await source.close();
  }
  return { input, output, bytes: source.size, keyId: info.keyId };
}
