import type { ReadRequest } from '../core/read-plan.js';
import { chunkKeyOf, openChunk } from './chunk-cipher.js';
import { EncryptedFileError } from './encrypted-file-error.js';
import {
  chunkOffset,
  envelopeGeometry,
  HEADER_BYTES,
  hex,
  parseHeader,
  TAG_BYTES,
  type EnvelopeGeometry,
  type EnvelopeHeader,
} from './envelope-format.js';
import type { EncryptionKey } from './keys.js';

/** Reads written once for the sync and async APIs (see io/core/read-plan.ts). */
export type Reads<T> = Generator<ReadRequest, T, Uint8Array>;

/** An envelope whose key and final chunk were checked: its chunks can be read in any order. */
export interface OpenEnvelope {
  file: string;
  header: EnvelopeHeader;
  geometry: EnvelopeGeometry;
  /** The AES key of the chunks. */
  chunkKey: Buffer;
}

/** About 1 MiB of chunks per read request. */
const BATCH_BYTES = 1 << 20;

/** Reads and checks the header of `file` (`fileBytes` long). */
export function* readEnvelopeHeader(file: string, fileBytes: number): Reads<EnvelopeHeader> {
  return parseHeader(file, yield { position: 0, length: Math.min(HEADER_BYTES, fileBytes) }, fileBytes);
}

/** The key to open `header` with, or the error saying that the file needs one. */
export function requireKey(file: string, header: EnvelopeHeader, key: EncryptionKey | null | undefined): EncryptionKey {
  if (key) return key;
  throw new EncryptedFileError(
    file,
    'no-key',
    `is encrypted (key id ${hex(header.keyId)}) and no key was given (--key-file FILE or EMBEDKIT_KEY_FILE on the command line, withEncryptionKey() or setEncryptionKey() in code)`,
  );
}

/**
 * Completes opening once the master key is known: derives the chunk key and authenticates the last
 * chunk as the final one, which proves the plaintext size (no truncation, no extension).
 */
export function* verifyEnvelope(file: string, header: EnvelopeHeader, master: Uint8Array, fileBytes: number): Reads<OpenEnvelope> {
  const envelope: OpenEnvelope = {
    file,
    header,
    geometry: envelopeGeometry(file, header, fileBytes),
    chunkKey: chunkKeyOf(master, header),
  };
  yield* decryptChunks(envelope, envelope.geometry.chunks - 1, 1, () => undefined);
  return envelope;
}

function chunkProblem(envelope: OpenEnvelope, index: number, sealed: Uint8Array, expected: number): EncryptedFileError {
  const { file, header, chunkKey, geometry } = envelope;
  const last = index === geometry.chunks - 1;
  const where = `chunk ${index} of ${geometry.chunks} (bytes ${chunkOffset(geometry, index)}–${chunkOffset(geometry, index) + expected})`;
  if (sealed.length < expected) return new EncryptedFileError(file, 'truncated', `truncated encrypted file: ${where} is cut short`);
  if (last && openChunk(chunkKey, header, index, false, sealed))
    return new EncryptedFileError(file, 'truncated', `truncated encrypted file: it ends after ${where}, the final chunk is missing`);
  if (!last && openChunk(chunkKey, header, index, true, sealed))
    return new EncryptedFileError(file, 'tampered', `encrypted file was extended: data follows its final chunk, ${where}`);
  return new EncryptedFileError(
    file,
    'tampered',
    `${where} failed authentication: the encrypted file was modified, or its chunks reordered, truncated or extended`,
  );
}

/**
 * Reads chunks `[first, first + count)` (in ~1 MiB requests), authenticates each and hands its
 * plaintext to `visit` in order. Nothing of a chunk is visited before its tag checks.
 */
export function* decryptChunks(
  envelope: OpenEnvelope,
  first: number,
  count: number,
  visit: (plain: Buffer, index: number) => void,
): Reads<void> {
  const { geometry, header, chunkKey } = envelope;
  const fileEnd = HEADER_BYTES + geometry.plainBytes + geometry.chunks * TAG_BYTES;
  const perBatch = Math.max(1, Math.floor(BATCH_BYTES / geometry.sealedChunkBytes));
  for (let batch = first; batch < first + count; batch += perBatch) {
    const n = Math.min(perBatch, first + count - batch);
    const start = chunkOffset(geometry, batch);
    const end = Math.min(fileEnd, chunkOffset(geometry, batch + n));
    const bytes = yield { position: start, length: end - start };
    for (let i = 0; i < n; i++) {
      const index = batch + i;
      const from = i * geometry.sealedChunkBytes;
      const expected = Math.min(geometry.sealedChunkBytes, end - start - from);
      const sealed = bytes.subarray(Math.min(bytes.length, from), Math.min(bytes.length, from + expected));
      const plain = openChunk(chunkKey, header, index, index === geometry.chunks - 1, sealed);
      if (!plain || sealed.length < expected) throw chunkProblem(envelope, index, sealed, expected);
      visit(plain, index);
    }
  }
}

/**
 * Decrypts plaintext bytes `[position, position + target.length)` into `target` (fewer when the
 * plaintext ends first); returns the number of bytes written. Only the chunks overlapping the range
 * are read and authenticated.
 */
export function* decryptInto(envelope: OpenEnvelope, target: Uint8Array, position: number): Reads<number> {
  const { plainBytes } = envelope.geometry;
  const size = envelope.header.chunkBytes;
  const end = Math.min(plainBytes, position + target.length);
  if (position >= end) return 0;
  const first = Math.floor(position / size);
  const last = Math.floor((end - 1) / size);
  yield* decryptChunks(envelope, first, last - first + 1, (plain, index) => {
    const chunkStart = index * size;
    const from = Math.max(position, chunkStart);
    const to = Math.min(end, chunkStart + plain.length);
    if (to > from) target.set(plain.subarray(from - chunkStart, to - chunkStart), from - position);
  });
  return end - position;
}
