/**
 * Encryption at rest: the chunked AES-256-GCM envelope (STREAM construction), keys and key files,
 * the key in effect for the io layer's readers and writers, and whole-file encrypt/decrypt.
 * docs/encryption.md.
 */
export { activeEncryptionKey, setEncryptionKey, withEncryptionKey } from './context.js';
export {
  decryptFile,
  encryptFile,
  isEncryptedFile,
  readEnvelopeInfo,
  type EnvelopeInfo,
  type FileCryptOptions,
  type FileCryptResult,
} from './convert.js';
export { EncryptedFileError, type EncryptedFileProblem } from './encrypted-file-error.js';
export { DEFAULT_CHUNK_BYTES, ENVELOPE_MAGIC, ENVELOPE_VERSION, type ScryptParams } from './envelope-format.js';
export { generateKeyFile, loadKeyFile, parseKeyFile } from './key-file.js';
export { DEFAULT_SCRYPT, EncryptionKey, KEY_BYTES } from './keys.js';
