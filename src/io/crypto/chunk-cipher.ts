import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';
import { NONCE_PREFIX_BYTES, TAG_BYTES, type EnvelopeHeader } from './envelope-format.js';

/**
 * The chunks of an envelope are sealed with the nonce-based online AE scheme STREAM (Hoang,
 * Reyhanitabar, Rogaway & Vizár, "Online Authenticated-Encryption and its Nonce-Reuse
 * Misuse-Resistance", CRYPTO 2015), instantiated as in Tink's AES-GCM-HKDF streaming AEAD and age:
 * - a fresh chunk key per file, HKDF-SHA256(master key, salt = the header's random file salt), so
 *   nonces never repeat under one AES key however many files a key encrypts;
 * - nonce of chunk i = 7-byte random prefix ‖ i (uint32 BE) ‖ final flag (1 on the last chunk, else 0);
 * - additional data = the whole header ‖ i ‖ final flag, so the header (key id, KDF parameters,
 *   chunk size) is authenticated with every chunk, and a chunk moved, dropped or appended fails.
 * A file that ends without a chunk sealed as final is truncated; one with data after it, extended.
 */
const FILE_KEY_INFO = 'embedkit envelope v1 aes-256-gcm chunk key';
const ALGORITHM = 'aes-256-gcm';

/** The AES key of one file's chunks. */
export function chunkKeyOf(master: Uint8Array, header: EnvelopeHeader): Buffer {
  return Buffer.from(hkdfSync('sha256', master, header.fileSalt, FILE_KEY_INFO, 32));
}

function position(index: number, final: boolean): Buffer {
  const out = Buffer.alloc(5);
  out.writeUInt32BE(index, 0);
  out[4] = final ? 1 : 0;
  return out;
}

function nonceOf(header: EnvelopeHeader, where: Buffer): Buffer {
  return Buffer.concat([header.noncePrefix, where], NONCE_PREFIX_BYTES + where.length);
}

/** Seals one chunk: the ciphertext, then the 16-byte tag. */
export function sealChunk(key: Buffer, header: EnvelopeHeader, index: number, final: boolean, plain: Uint8Array): Buffer[] {
  const where = position(index, final);
  const cipher = createCipheriv(ALGORITHM, key, nonceOf(header, where), { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.concat([header.bytes, where]));
  const body = cipher.update(plain);
  const tail = cipher.final();
  return tail.length > 0 ? [body, tail, cipher.getAuthTag()] : [body, cipher.getAuthTag()];
}

/**
 * Opens one sealed chunk (ciphertext ‖ tag), or returns undefined when it does not authenticate as
 * chunk `index` with that final flag. No plaintext is returned before the tag is checked.
 */
export function openChunk(key: Buffer, header: EnvelopeHeader, index: number, final: boolean, sealed: Uint8Array): Buffer | undefined {
  if (sealed.length < TAG_BYTES) return undefined;
  const where = position(index, final);
  const decipher = createDecipheriv(ALGORITHM, key, nonceOf(header, where), { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.concat([header.bytes, where]));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  const body = decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES));
  try {
    const tail = decipher.final();
    return tail.length > 0 ? Buffer.concat([body, tail]) : body;
  } catch {
    return undefined;
  }
}
