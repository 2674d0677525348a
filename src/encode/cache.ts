import { createHash } from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { writeFileAtomic } from '../io/core/atomic-write.js';
import { readFileBytes } from '../io/core/read-file.js';
import { EncryptedFileError } from '../io/crypto/encrypted-file-error.js';
import { crc32 } from '../io/core/crc32.js';

/**
 * One cache entry file, `<sha256 hex>.ekc`, little-endian:
 *
 * | offset | size    | field                                            |
 * |--------|---------|--------------------------------------------------|
 * | 0      | 4       | magic `EKC1`                                     |
 * | 4      | 4       | dim (u32)                                        |
 * | 8      | 4       | CRC-32 of bytes [16, end)                        |
 * | 12     | 4       | reserved, 0                                      |
 * | 16     | 32      | the key (sha256), repeated to catch renamed files |
 * | 48     | 4 · dim | the vector, float32                              |
 */
const MAGIC = Buffer.from('EKC1', 'latin1');
const HEADER_BYTES = 48;
const KEY_BYTES = 32;
const EXTENSION = '.ekc';
/** Bumped if the key derivation or the entry layout changes (old entries are then never found). */
const KEY_DOMAIN = 'embedkit-embedding-cache-v1';

/** Cache counters (of one cache over its lifetime, or of one `embed` call). */
export interface CacheStats {
  /** Lookups answered from disk. */
  hits: number;
  /** Lookups that found no entry. */
  misses: number;
  /** Entries found but rejected (wrong size, dimension, key or checksum, non-finite values): treated as misses. */
  corrupt: number;
  /** Entries written. */
  writes: number;
}

/** What a cache entry is computed from: text (hashed as UTF-8) or raw bytes. */
export type CacheInput = string | Uint8Array;

/**
 * An on-disk content-hash cache of embedding rows: one small file per (encoder identity, input) in
 * one directory, named by sha256(encoder identity + input). Entries are written atomically
 * (temporary file + rename) and validated on every read (size, dimension, key, CRC-32, finite
 * values); an invalid entry is never returned: it counts as a miss and is overwritten by the
 * recomputed row. Safe to share between processes (the worst case is computing a row twice).
 */
export class EmbeddingCache {
  /** The cache directory (absolute). */
  readonly dir: string;
  readonly stats: CacheStats = { hits: 0, misses: 0, corrupt: 0, writes: 0 };
  #ready: Promise<void> | undefined;

  constructor(dir: string) {
    if (typeof dir !== 'string' || dir.length === 0)
      throw new UsageError(`cacheDir must be a non-empty string, got ${JSON.stringify(dir)}`);
    this.dir = path.resolve(dir);
  }

  /**
   * The key of `input` under an encoder `identity` (the encoder's name, version and every setting
   * that changes its output): sha256 over both, with a type tag so text and bytes never collide.
   */
  static key(identity: string, input: CacheInput): Buffer {
    const hash = createHash('sha256').update(KEY_DOMAIN).update('\0').update(identity, 'utf8').update('\0');
    if (typeof input === 'string') hash.update('t').update(input, 'utf8');
    else hash.update('b').update(input);
    return hash.digest();
  }

  /** The file of `key`. */
  fileOf(key: Uint8Array): string {
    checkKey(key);
    return path.join(this.dir, `${Buffer.from(key.buffer, key.byteOffset, key.length).toString('hex')}${EXTENSION}`);
  }

  /**
   * The cached row of `key` if a valid entry of dimension `dim` exists, else undefined. `stats`
   * (e.g. the counters of one `embed` call) is counted into besides the cache's lifetime `stats`.
   */
  async get(key: Uint8Array, dim: number, stats?: CacheStats): Promise<Float32Array | undefined> {
    const file = this.fileOf(key);
    let bytes: Buffer | undefined;
    try {
      bytes = await readFileBytes(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        this.stats.misses++;
        if (stats) stats.misses++;
        return undefined;
      }
      // A damaged encrypted entry is corrupt like a damaged plain one; a missing or wrong key is not.
      if (!(error instanceof EncryptedFileError && error.reason !== 'no-key' && error.reason !== 'wrong-key')) throw error;
      bytes = undefined;
    }
    const vector = bytes && decodeEntry(bytes, key, dim);
    if (vector === undefined) {
      this.stats.corrupt++;
      if (stats) stats.corrupt++;
      return undefined;
    }
    this.stats.hits++;
    if (stats) stats.hits++;
    return vector;
  }

  /** Stores `vector` under `key` (atomically; replaces an existing entry). `stats`: as in `get`. */
  async set(key: Uint8Array, vector: Float32Array, stats?: CacheStats): Promise<void> {
    const file = this.fileOf(key);
    this.#ready ??= fsp.mkdir(this.dir, { recursive: true }).then(() => undefined);
    await this.#ready;
    await writeFileAtomic(file, encodeEntry(key, vector));
    this.stats.writes++;
    if (stats) stats.writes++;
  }
}

function checkKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length !== KEY_BYTES) throw new UsageError('a cache key is 32 bytes (sha256)');
}

/** The bytes of one entry. */
export function encodeEntry(key: Uint8Array, vector: Float32Array): Uint8Array {
  checkKey(key);
  const out = Buffer.alloc(HEADER_BYTES + 4 * vector.length);
  MAGIC.copy(out, 0);
  out.writeUInt32LE(vector.length, 4);
  out.set(key, 16);
  for (let i = 0; i < vector.length; i++) out.writeFloatLE(vector[i], HEADER_BYTES + 4 * i);
  out.writeUInt32LE(crc32(out.subarray(16)), 8);
  return out;
}

/** The vector of a valid entry for `key` with `dim` values, or undefined for anything else. */
export function decodeEntry(bytes: Uint8Array, key: Uint8Array, dim: number): Float32Array | undefined {
  if (bytes.length !== HEADER_BYTES + 4 * dim) return undefined;
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  if (!buf.subarray(0, 4).equals(MAGIC)) return undefined;
  if (buf.readUInt32LE(4) !== dim || buf.readUInt32LE(12) !== 0) return undefined;
  if (!buf.subarray(16, 16 + KEY_BYTES).equals(key)) return undefined;
  if (crc32(buf.subarray(16)) !== buf.readUInt32LE(8)) return undefined;
  const vector = new Float32Array(dim);
  for (let i = 0; i < dim; i++) {
    const v = buf.readFloatLE(HEADER_BYTES + 4 * i);
    if (!Number.isFinite(v)) return undefined;
    vector[i] = v;
  }
  return vector;
}

/** Cache instances by directory, so counters and the directory check are shared within a process. */
const sharedCaches = new Map<string, EmbeddingCache>();

/** Zeroed counters. */
export function emptyCacheStats(): CacheStats {
  return { hits: 0, misses: 0, corrupt: 0, writes: 0 };
}

/** The process-wide cache instance of a directory (created on first use). */
export function sharedCache(dir: string): EmbeddingCache {
  const probe = new EmbeddingCache(dir);
  let cache = sharedCaches.get(probe.dir);
  if (!cache) sharedCaches.set(probe.dir, (cache = probe));
  return cache;
}
