import { decodeEkv, type DecodedEkv } from './ekv-read.js';
import { encodeEkv } from './ekv-write.js';
import { resolveReadOptions, type ResolvedReadOptions } from './read-options.js';
import { sniffFormat } from './sniff.js';
import type { VectorFormat, WordVectorsFile } from './vector-format.js';
import { readWholeFile, readWholeFileSync, type WholeFile } from '../core/whole-file.js';
import { wantsGzip, writeChunks, writeChunksSync } from '../core/write-output.js';

function result(file: string, whole: WholeFile, options: ResolvedReadOptions): WordVectorsFile {
  const decoded: DecodedEkv = decodeEkv(file, whole.bytes, options.limit, options.verifyChecksum);
  // ekv files are written from a vocabulary: a repeated word means the file is corrupt
  return {
    ...decoded,
    format: 'ekv',
    gzip: whole.gzip,
    rowsRead: decoded.words.length,
    duplicates: 'corrupt',
    onWarning: options.onWarning,
  };
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
  encode: (data) => encodeEkv(data),
  async write(data, file, options) {
    await writeChunks(file, encodeEkv(data), wantsGzip(file, options));
  },
  writeSync: (data, file, options) => writeChunksSync(file, encodeEkv(data), wantsGzip(file, options)),
};
