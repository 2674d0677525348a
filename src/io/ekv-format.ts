import { decodeEkv, type DecodedEkv } from './ekv-read.js';
import { encodeEkv } from './ekv-write.js';
import { toLoadResult } from './load-result.js';
import { resolveReadOptions, type ResolvedReadOptions } from './read-options.js';
import { sniffFormat } from './sniff.js';
import type { LoadResult, VectorFormat } from './vector-format.js';
import { readWholeFile, readWholeFileSync, type WholeFile } from './whole-file.js';
import { wantsGzip, writeChunks, writeChunksSync } from './write-output.js';

function result(file: string, whole: WholeFile, options: ResolvedReadOptions): LoadResult {
  const decoded: DecodedEkv = decodeEkv(file, whole.bytes, options.limit, options.verifyChecksum);
  return toLoadResult(
    file,
    'ekv',
    whole.gzip,
    { ...decoded, rowsRead: decoded.words.length },
    options,
    'corrupt',
  );
}

/**
 * embedkit's own format: binary header, words, optional counts, and float32 vectors aligned to 64
 * bytes, loaded with one read and no per-vector work (the vectors are a view into the file buffer).
 */
export const ekvFormat: VectorFormat = {
  name: 'ekv',
  description: 'embedkit vectors: checksummed binary, words + counts + 64-byte-aligned float32, loads zero-copy',
  extensions: ['.ekv'],
  storesCounts: true,
  detect: (prefix, atEof) => sniffFormat(prefix, atEof) === 'ekv',
  async read(file, options) {
    const resolved = resolveReadOptions(options);
    return result(file, await readWholeFile(file), resolved);
  },
  readSync(file, options) {
    const resolved = resolveReadOptions(options);
    return result(file, readWholeFileSync(file), resolved);
  },
  encode: (kv) => encodeEkv(kv),
  async write(kv, file, options) {
    await writeChunks(file, encodeEkv(kv), wantsGzip(file, options));
  },
  writeSync: (kv, file, options) => writeChunksSync(file, encodeEkv(kv), wantsGzip(file, options)),
};
