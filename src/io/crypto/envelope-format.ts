import { EncryptedFileError } from './encrypted-file-error.js';

/**
 * The encrypted envelope: a 72-byte header, then the plaintext in chunks of `chunkBytes` (the last
 * one shorter, possibly empty when it is the only one), each sealed with AES-256-GCM and followed by
 * its 16-byte tag. docs/encryption.md describes the layout and the construction.
 *
 * ```
 *  0  8  magic 89 'E' 'K' 'E' 'N' 'C' 0D 0A (binary first byte, CR LF: text-mode damage is detected)
 *  8  1  version (1)
 *  9  1  key derivation: 0 a raw 32-byte key, 1 scrypt of a passphrase
 * 10  3  scrypt log2(N), r, p (0 for a raw key)
 * 13  3  zero
 * 16  4  chunk size in bytes (uint32 LE)
 * 20  4  zero
 * 24  8  key id: HMAC-SHA256(master key, "embedkit envelope key id v1"), first 8 bytes
 * 32 16  scrypt salt (zero for a raw key)
 * 48 16  file salt: the chunk key is HKDF-SHA256(master key, file salt)
 * 64  7  nonce prefix (random)
 * 71  1  zero
 * ```
 */
export const ENVELOPE_MAGIC: Uint8Array = Uint8Array.of(0x89, 0x45, 0x4b, 0x45, 0x4e, 0x43, 0x0d, 0x0a);
export const ENVELOPE_VERSION = 1;
export const HEADER_BYTES = 72;
export const TAG_BYTES = 16;
export const KEY_ID_BYTES = 8;
export const SALT_BYTES = 16;
export const NONCE_PREFIX_BYTES = 7;
/** Plaintext bytes per chunk written by default (64 KiB, as Tink's streaming AEAD segments). */
export const DEFAULT_CHUNK_BYTES = 1 << 16;
/** Chunk sizes a reader accepts (the upper bound caps the memory one chunk takes). */
export const MIN_CHUNK_BYTES = 64;
export const MAX_CHUNK_BYTES = 1 << 24;
/** The chunk counter is 32 bits. */
export const MAX_CHUNKS = 2 ** 32 - 1;

/** Bounds of the scrypt parameters a reader accepts: N·r·128 bytes of memory, at most 256 MiB. */
export const SCRYPT_MAX_LOG2N = 20;
export const SCRYPT_MAX_R = 32;
export const SCRYPT_MAX_P = 16;
export const SCRYPT_MAX_MEMORY = 256 << 20;

/** Scrypt cost parameters (Percival 2009): N = 2^log2N, block size r, parallelism p. */
export interface ScryptParams {
  log2N: number;
  r: number;
  p: number;
}

/** How the master key is obtained: given directly, or scrypt(passphrase, salt). */
export type KdfParams = { kind: 'raw' } | ({ kind: 'scrypt'; salt: Uint8Array } & ScryptParams);

/** The fields of an envelope header; `bytes` are the 72 header bytes (authenticated with every chunk). */
export interface EnvelopeHeader {
  version: number;
  kdf: KdfParams;
  chunkBytes: number;
  keyId: Uint8Array;
  fileSalt: Uint8Array;
  noncePrefix: Uint8Array;
  bytes: Uint8Array;
}

function magicMatches(bytes: Uint8Array): number {
  if (bytes.length < ENVELOPE_MAGIC.length) return 0;
  let same = 0;
  for (let i = 0; i < ENVELOPE_MAGIC.length; i++) if (bytes[i] === ENVELOPE_MAGIC[i]) same++;
  return same;
}

/** Whether `bytes` start with the envelope magic. */
export function hasEnvelopeMagic(bytes: Uint8Array): boolean {
  return magicMatches(bytes) === ENVELOPE_MAGIC.length;
}

/**
 * Whether `bytes` start with the envelope magic or with a damaged copy of it (7 of its 8 bytes):
 * such a file is taken for an encrypted one and fails as such, instead of being read as plain data.
 */
export function looksLikeEnvelope(bytes: Uint8Array): boolean {
  return magicMatches(bytes) >= ENVELOPE_MAGIC.length - 1;
}

/** Scrypt memory in bytes (128·N·r). */
export function scryptMemory(params: ScryptParams): number {
  return 128 * 2 ** params.log2N * params.r;
}

/** Encodes a header. */
export function encodeHeader(fields: Omit<EnvelopeHeader, 'bytes' | 'version'>): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES);
  const view = new DataView(out.buffer);
  out.set(ENVELOPE_MAGIC, 0);
  out[8] = ENVELOPE_VERSION;
  if (fields.kdf.kind === 'scrypt') {
    out[9] = 1;
    out[10] = fields.kdf.log2N;
    out[11] = fields.kdf.r;
    out[12] = fields.kdf.p;
    out.set(fields.kdf.salt, 32);
  }
  view.setUint32(16, fields.chunkBytes, true);
  out.set(fields.keyId, 24);
  out.set(fields.fileSalt, 48);
  out.set(fields.noncePrefix, 64);
  return out;
}

const zero = (bytes: Uint8Array, from: number, to: number) => bytes.subarray(from, to).every((b) => b === 0);

/**
 * Parses and checks a header (the first bytes of `file`); `fileBytes` is the file's size. Every field
 * is checked against its bounds before anything is derived or allocated from it.
 */
export function parseHeader(file: string, bytes: Uint8Array, fileBytes: number): EnvelopeHeader {
  const fail = (problem: string): never => {
    throw new EncryptedFileError(file, 'bad-header', problem);
  };
  if (!hasEnvelopeMagic(bytes)) fail('damaged encrypted file (bad magic)');
  if (fileBytes < HEADER_BYTES || bytes.length < HEADER_BYTES)
    throw new EncryptedFileError(file, 'truncated', `truncated encrypted file: ${fileBytes} bytes, the header alone takes ${HEADER_BYTES}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES);
  const version = bytes[8];
  if (version !== ENVELOPE_VERSION)
    fail(
      version > ENVELOPE_VERSION
        ? `encrypted by a newer embedkit (envelope version ${version} > ${ENVELOPE_VERSION})`
        : `bad envelope version ${version}`,
    );
  if (!zero(bytes, 13, 16) || !zero(bytes, 20, 24) || bytes[71] !== 0) fail('corrupt encryption header (reserved bytes are not zero)');
  const chunkBytes = view.getUint32(16, true);
  if (chunkBytes < MIN_CHUNK_BYTES || chunkBytes > MAX_CHUNK_BYTES)
    fail(`corrupt encryption header: chunk size ${chunkBytes} outside [${MIN_CHUNK_BYTES}, ${MAX_CHUNK_BYTES}]`);
  let kdf: KdfParams;
  if (bytes[9] === 0) {
    if (!zero(bytes, 10, 13) || !zero(bytes, 32, 48)) fail('corrupt encryption header (scrypt fields set for a raw key)');
    kdf = { kind: 'raw' };
  } else if (bytes[9] === 1) {
    const params = { log2N: bytes[10], r: bytes[11], p: bytes[12] };
    if (
      params.log2N < 1 ||
      params.log2N > SCRYPT_MAX_LOG2N ||
      params.r < 1 ||
      params.r > SCRYPT_MAX_R ||
      params.p < 1 ||
      params.p > SCRYPT_MAX_P ||
      scryptMemory(params) > SCRYPT_MAX_MEMORY
    )
      fail(`unsupported scrypt parameters N=2^${params.log2N} r=${params.r} p=${params.p}`);
    kdf = { kind: 'scrypt', ...params, salt: bytes.slice(32, 48) };
  } else {
    return fail(`unknown key derivation ${bytes[9]}`);
  }
  return {
    version,
    kdf,
    chunkBytes,
    keyId: bytes.slice(24, 24 + KEY_ID_BYTES),
    fileSalt: bytes.slice(48, 48 + SALT_BYTES),
    noncePrefix: bytes.slice(64, 64 + NONCE_PREFIX_BYTES),
    bytes: bytes.slice(0, HEADER_BYTES),
  };
}

/** Where the chunks of an envelope are, from the file size (the reader trusts nothing else). */
export interface EnvelopeGeometry {
  /** Number of chunks (at least 1). */
  chunks: number;
  /** Plaintext bytes of the whole file. */
  plainBytes: number;
  /** Size on disk of a full chunk (plaintext + tag). */
  sealedChunkBytes: number;
}

/**
 * The chunk layout implied by the size of the file. Too short to hold one tag after the header:
 * truncated. The sizes are only a claim until the last chunk authenticates as the final one.
 */
export function envelopeGeometry(file: string, header: EnvelopeHeader, fileBytes: number): EnvelopeGeometry {
  const body = fileBytes - HEADER_BYTES;
  const sealedChunkBytes = header.chunkBytes + TAG_BYTES;
  const chunks = Math.max(1, Math.ceil(body / sealedChunkBytes));
  const last = body - (chunks - 1) * sealedChunkBytes;
  if (last < TAG_BYTES)
    throw new EncryptedFileError(file, 'truncated', `truncated encrypted file: chunk ${chunks - 1} is ${last} bytes, shorter than its tag`);
  if (chunks > MAX_CHUNKS) throw new EncryptedFileError(file, 'bad-header', `too many chunks (${chunks})`);
  return { chunks, plainBytes: (chunks - 1) * header.chunkBytes + last - TAG_BYTES, sealedChunkBytes };
}

/** Offset in the file of chunk `index`. */
export function chunkOffset(geometry: EnvelopeGeometry, index: number): number {
  return HEADER_BYTES + index * geometry.sealedChunkBytes;
}

/** Hex of bytes, for messages (key ids). */
export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
