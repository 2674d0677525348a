import { randomBytes } from 'node:crypto';
import fsp from 'node:fs/promises';
import { UsageError } from '../../errors.js';
import { writeFileAtomic } from '../core/atomic-write.js';
import { EncryptionKey, KEY_BYTES } from './keys.js';
import type { ScryptParams } from './envelope-format.js';

/** A key file is small; anything larger is not one. */
const MAX_KEY_FILE_BYTES = 4096;
const HEX_KEY = /^[0-9a-fA-F]{64}$/;

/**
 * Reads a key file. Its content (one trailing newline, LF or CRLF, is ignored) is either
 * - 64 hexadecimal digits: a raw 256-bit key (what {@link generateKeyFile} and `embedkit keygen` write), or
 * - anything else of at least 8 characters of UTF-8: a passphrase, stretched with scrypt for each
 *   file (`scryptParams` only matter for the files it encrypts; readers take them from the header).
 * Binary content (e.g. 32 raw key bytes) is rejected with a message saying how to convert it.
 * UsageError for every problem, naming the file.
 */
export async function loadKeyFile(file: string, scryptParams: Partial<ScryptParams> = {}): Promise<EncryptionKey> {
  if (typeof file !== 'string' || file.length === 0) throw new UsageError('the key file path is empty');
  let bytes: Buffer;
  try {
    const stats = await fsp.stat(file);
    if (stats.isDirectory()) throw new UsageError(`key file ${file}: is a directory`);
    if (stats.size > MAX_KEY_FILE_BYTES)
      throw new UsageError(`key file ${file}: ${stats.size} bytes, not a key file (at most ${MAX_KEY_FILE_BYTES})`);
    bytes = await fsp.readFile(file);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`key file ${file}: ${code === 'ENOENT' ? 'not found' : `cannot be read (${code ?? (error as Error).message})`}`);
  }
  return parseKeyFile(file, bytes, scryptParams);
}

/** The key held by the bytes of key file `file` (see {@link loadKeyFile}). */
export function parseKeyFile(file: string, bytes: Uint8Array, scryptParams: Partial<ScryptParams> = {}): EncryptionKey {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UsageError(
      `key file ${file}: not text${bytes.length === KEY_BYTES ? ' (32 raw bytes? write them as 64 hex digits: xxd -p -c 64 FILE)' : ''}; a key file holds 64 hex digits or a passphrase`,
    );
  }
  text = text.replace(/\r?\n$/, '');
  if (text.includes('\0')) throw new UsageError(`key file ${file}: holds a NUL character; a key file holds 64 hex digits or a passphrase`);
  if (HEX_KEY.test(text)) return EncryptionKey.fromBytes(Buffer.from(text, 'hex'), file);
  if ([...text].length < 8)
    throw new UsageError(`key file ${file}: empty or too short (a passphrase has at least 8 characters; a key is 64 hex digits)`);
  return EncryptionKey.fromPassphrase(text, scryptParams, file);
}

/**
 * Writes a new random 256-bit key to `file` as 64 hex digits and a newline, readable by its owner
 * only (mode 0600), never encrypted. Refuses to replace an existing file unless `overwrite` (losing a
 * key loses every file encrypted with it). Returns the key.
 */
export async function generateKeyFile(file: string, options: { overwrite?: boolean } = {}): Promise<EncryptionKey> {
  if (typeof file !== 'string' || file.length === 0) throw new UsageError('the key file path is empty');
  if (!options.overwrite) {
    const exists = await fsp.stat(file).then(
      () => true,
      () => false,
    );
    if (exists) throw new UsageError(`${file} exists; a new key would replace the old one (use --force if that is what you want)`);
  }
  const bytes = randomBytes(KEY_BYTES);
  await writeFileAtomic(file, `${bytes.toString('hex')}\n`, { encryption: null, mode: 0o600 });
  return EncryptionKey.fromBytes(bytes, file);
}
