import { EncryptionKey } from '../../../src/io/crypto/keys.js';

/** A fixed raw key (tests are deterministic apart from the random salts and nonce prefixes). */
export const KEY = EncryptionKey.fromBytes(Buffer.alloc(32, 7), 'test key');
/** Another raw key. */
export const OTHER_KEY = EncryptionKey.fromBytes(Buffer.alloc(32, 9), 'other key');
/** A passphrase key with cheap scrypt parameters (N = 2^10), to keep the tests fast. */
export const PASSPHRASE = EncryptionKey.fromPassphrase('correct horse battery staple', { log2N: 10, r: 8, p: 1 }, 'test passphrase');

/** `n` deterministic bytes. */
export function bytesOf(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
