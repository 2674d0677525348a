import { randomBytes } from 'node:crypto';
import { UsageError } from '../../errors.js';
import { chunkKeyOf, sealChunk } from './chunk-cipher.js';
import {
  DEFAULT_CHUNK_BYTES,
  encodeHeader,
  MAX_CHUNK_BYTES,
  MAX_CHUNKS,
  MIN_CHUNK_BYTES,
  NONCE_PREFIX_BYTES,
  parseHeader,
  SALT_BYTES,
  type EnvelopeHeader,
} from './envelope-format.js';
import type { EncryptionKey, WritingKey } from './keys.js';

/** Options of the encrypting writers. */
export interface SealOptions {
  /** Plaintext bytes per chunk (default 64 KiB; tests use small chunks to get many). */
  chunkBytes?: number;
}

function checkChunkBytes(chunkBytes: number): void {
  if (!(Number.isInteger(chunkBytes) && chunkBytes >= MIN_CHUNK_BYTES && chunkBytes <= MAX_CHUNK_BYTES))
    throw new UsageError(`chunkBytes must be an integer in [${MIN_CHUNK_BYTES}, ${MAX_CHUNK_BYTES}], got ${String(chunkBytes)}`);
}

/**
 * Turns a plaintext byte stream into an envelope, incrementally: `push` takes any amount of
 * plaintext and returns the sealed bytes ready so far (the header first), `finish` seals the rest as
 * the final chunk. A full chunk is held back until more plaintext arrives, because only then is it
 * known not to be the last one; so memory is one chunk, whatever the file size.
 */
export class EnvelopeSealer {
  private readonly header: EnvelopeHeader;
  private readonly key: Buffer;
  private readonly pending: Buffer;
  private filled = 0;
  private index = 0;
  private headerSent = false;
  private finished = false;

  private constructor(writing: WritingKey, chunkBytes: number) {
    const fields = {
      kdf: writing.kdf,
      chunkBytes,
      keyId: writing.keyId,
      fileSalt: randomBytes(SALT_BYTES),
      noncePrefix: randomBytes(NONCE_PREFIX_BYTES),
    };
    const bytes = encodeHeader(fields);
    this.header = parseHeader('<new file>', bytes, bytes.length);
    this.key = chunkKeyOf(writing.master, this.header);
    this.pending = Buffer.allocUnsafe(chunkBytes);
  }

  /** A sealer for a new file (a passphrase key is derived synchronously, once per process). */
  static createSync(key: EncryptionKey, options: SealOptions = {}): EnvelopeSealer {
    const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    checkChunkBytes(chunkBytes);
    return new EnvelopeSealer(key.writingKeySync(), chunkBytes);
  }

  /** Async {@link createSync}: scrypt off the event loop. */
  static async create(key: EncryptionKey, options: SealOptions = {}): Promise<EnvelopeSealer> {
    const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    checkChunkBytes(chunkBytes);
    return new EnvelopeSealer(await key.writingKey(), chunkBytes);
  }

  /** Adds plaintext; returns the envelope bytes completed by it (possibly none). */
  push(bytes: Uint8Array): Buffer[] {
    if (this.finished) throw new UsageError('the envelope is already finished');
    const out = this.start();
    const size = this.pending.length;
    for (let offset = 0; offset < bytes.length;) {
      if (this.filled === size) this.seal(false, out);
      const n = Math.min(size - this.filled, bytes.length - offset);
      this.pending.set(bytes.subarray(offset, offset + n), this.filled);
      this.filled += n;
      offset += n;
    }
    return out;
  }

  /** Seals what is left as the final chunk (empty only when the whole plaintext is empty). */
  finish(): Buffer[] {
    if (this.finished) throw new UsageError('the envelope is already finished');
    const out = this.start();
    this.seal(true, out);
    this.finished = true;
    return out;
  }

  private start(): Buffer[] {
    if (this.headerSent) return [];
    this.headerSent = true;
    return [Buffer.from(this.header.bytes)];
  }

  private seal(final: boolean, out: Buffer[]): void {
    if (this.index >= MAX_CHUNKS) throw new UsageError(`too much data for one encrypted file (${MAX_CHUNKS} chunks)`);
    out.push(...sealChunk(this.key, this.header, this.index, final, this.pending.subarray(0, this.filled)));
    this.index++;
    this.filled = 0;
  }
}
