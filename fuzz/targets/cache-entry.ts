import fs from 'node:fs';
import path from 'node:path';
import { decodeEntry, EmbeddingCache, encodeEntry } from '../../src/encode/cache.js';
import { crc32 } from '../../src/io/core/crc32.js';
import { finiteProblem, firstProblem, sameFloatsProblem } from '../lib/checks.js';
import type { BaseFile, FuzzTarget, ReadContext } from '../lib/target.js';

interface Expected {
  key: Uint8Array;
  vector: Float32Array;
}

/** The key and dimension the foreign files are looked up with. */
const DEFAULT_KEY = EmbeddingCache.key('fuzz', 'foreign');
const DEFAULT_DIM = 4;

function lookup(base: BaseFile): Expected {
  return base.foreign || !base.expected ? { key: DEFAULT_KEY, vector: new Float32Array(DEFAULT_DIM) } : (base.expected as Expected);
}

function entry(label: string, input: string, vector: Float32Array): BaseFile {
  const key = EmbeddingCache.key('fuzz-encoder', input);
  const bytes = encodeEntry(key, vector);
  const fields = [
    { name: 'dim', at: 4, bytes: 4 as const },
    { name: 'crc', at: 8, bytes: 4 as const },
    { name: 'reserved', at: 12, bytes: 4 as const },
  ];
  return { label, bytes, ext: '.ekc', fields, boundaries: [4, 8, 16, 48, bytes.length - 4], expected: { key, vector } };
}

/**
 * The encoder row cache (`.ekc` entries): a corrupt entry must read as a miss (undefined), never as
 * wrong numbers and never as an exception.
 */
export function cacheEntryTarget(): FuzzTarget<Float32Array | undefined> {
  return {
    name: 'cache-entry',
    readers: 'EmbeddingCache.get, decodeEntry (.ekc)',
    variants: ['EmbeddingCache.get', 'decodeEntry'],
    gzip: false,
    neverThrows: true,
    bases: () =>
      Promise.resolve([
        entry('dim 4', 'a', Float32Array.of(1, -0, 3.5, 1e-40)),
        entry('dim 1', 'b', Float32Array.of(7)),
        entry(
          'dim 16',
          'c',
          Float32Array.from({ length: 16 }, (_, i) => i / 3),
        ),
      ]),
    fixChecksums(bytes) {
      if (bytes.length < 16) return bytes;
      const out = Uint8Array.from(bytes);
      new DataView(out.buffer).setUint32(8, crc32(out.subarray(16)), true);
      return out;
    },
    async read(file, variant, base) {
      // the entry is looked up under its base's key and dimension (foreign files: a default one)
      const { key, vector } = lookup(base);
      if (variant === 'decodeEntry') return decodeEntry(fs.readFileSync(file), key, vector.length);
      const cache = new EmbeddingCache(path.join(path.dirname(file), 'cache'));
      fs.mkdirSync(cache.dir, { recursive: true });
      fs.copyFileSync(file, cache.fileOf(key));
      return cache.get(key, vector.length);
    },
    check(result, context: ReadContext) {
      const { vector } = lookup(context.base);
      if (result === undefined) return context.unchanged && !context.base.foreign ? 'an intact entry read as a miss' : undefined;
      return firstProblem(
        result.length === vector.length ? undefined : `${result.length} values, expected ${vector.length}`,
        finiteProblem(result),
        context.unchanged ? sameFloatsProblem(result, vector) : undefined,
      );
    },
  };
}
