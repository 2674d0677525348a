import type { WordVectorsData } from './vector-format.js';
import { HOST_IS_LITTLE_ENDIAN, swap32InPlace } from '../core/float32-bytes.js';
import { checkWordsForDelimitedFormat, ENCODE_CHUNK_BYTES } from './text-encoder.js';

/**
 * The bytes of `kv` in the word2vec C binary format, in chunks of about 1 MiB: `N D\n`, then per word
 * the UTF-8 word, a space, D little-endian float32 and `\n` (as the original word2vec tool writes;
 * gensim and the C tools skip that newline when reading). Words are validated first (UsageError).
 */
export function* encodeW2vBinary(kv: WordVectorsData): Generator<Uint8Array> {
  checkWordsForDelimitedFormat(kv, 'w2v-binary');
  const dim = kv.dim;
  const vectorBytes = new Uint8Array(kv.vectors.buffer, kv.vectors.byteOffset, kv.words.length * dim * 4);
  let chunk = Buffer.allocUnsafe(ENCODE_CHUNK_BYTES);
  let pos = chunk.write(`${kv.words.length} ${dim}\n`, 0, 'latin1');
  for (let row = 0; row < kv.words.length; row++) {
    const word = kv.words[row];
    const needed = word.length * 3 + 2 + dim * 4;
    if (pos + needed > chunk.length) {
      if (pos > 0) yield chunk.subarray(0, pos);
      chunk = Buffer.allocUnsafe(Math.max(ENCODE_CHUNK_BYTES, needed));
      pos = 0;
    }
    pos += chunk.write(word, pos, 'utf8');
    chunk[pos++] = 32;
    const start = pos;
    chunk.set(vectorBytes.subarray(row * dim * 4, (row + 1) * dim * 4), pos);
    pos += dim * 4;
    if (!HOST_IS_LITTLE_ENDIAN) swap32InPlace(chunk.subarray(start, pos));
    chunk[pos++] = 10;
  }
  if (pos > 0) yield chunk.subarray(0, pos);
}
