import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { EmbeddingCache, sharedCache, type CacheStats } from '../cache.js';
import type { ImageInput } from './types.js';

/**
 * The cache key of one image under an encoder identity: the hash of the encoded bytes (files are
 * read, so a renamed or copied file hits and an edited one misses), or of the raw pixels and their
 * shape. Undefined when the input cannot be read (the decoder then reports the problem).
 */
export async function imageCacheKey(identity: string, input: ImageInput): Promise<Uint8Array | undefined> {
  if (typeof input === 'string') {
    try {
      const bytes = await readFile(input);
      return bytes.length === 0 ? undefined : EmbeddingCache.key(identity, bytes);
    } catch {
      return undefined;
    }
  }
  if (input instanceof Uint8Array) return input.length === 0 ? undefined : EmbeddingCache.key(identity, input);
  if (typeof input === 'object' && input !== null && input.data instanceof Uint8Array) {
    const hash = createHash('sha256').update(`raw:${input.width}x${input.height}x${input.channels}:`).update(input.data).digest();
    return EmbeddingCache.key(identity, hash);
  }
  return undefined;
}

/** Copies the cached rows of `keys` into `data`; returns the indices that were not found. */
export async function lookupCached(
  dir: string,
  keys: readonly (Uint8Array | undefined)[],
  dim: number,
  data: Float32Array,
  stats?: CacheStats,
): Promise<number[]> {
  const cache = sharedCache(dir);
  const missing: number[] = [];
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const row = key ? await cache.get(key, dim, stats) : undefined;
    if (row) data.set(row, i * dim);
    else missing.push(i);
  }
  return missing;
}

/** Stores the raw rows of `indices` (those with a key). */
export async function storeCached(
  dir: string,
  keys: readonly (Uint8Array | undefined)[],
  indices: readonly number[],
  dim: number,
  data: Float32Array,
  stats?: CacheStats,
): Promise<void> {
  const cache = sharedCache(dir);
  for (const i of indices) {
    const key = keys[i];
    if (key) await cache.set(key, data.slice(i * dim, (i + 1) * dim), stats);
  }
}
