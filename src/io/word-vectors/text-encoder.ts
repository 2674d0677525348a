import type { WordVectorsData } from './vector-format.js';
import { MAX_FLOAT32_TEXT_BYTES, writeFloat32 } from '../core/float-text.js';
import { checkWordForDelimitedFormat } from './words.js';

/** Approximate size of the chunks produced by the encoders. */
export const ENCODE_CHUNK_BYTES = 1 << 20;

/**
 * Checks every word of `kv` for a word2vec/GloVe file (text or binary), throwing UsageError for the
 * first word that cannot be stored (empty, whitespace or control characters, lone surrogate).
 */
export function checkWordsForDelimitedFormat(kv: WordVectorsData, formatName: string): void {
  for (let i = 0; i < kv.words.length; i++) checkWordForDelimitedFormat(kv.words[i], i, formatName);
}

/**
 * The bytes of `kv` in a text format, in chunks of about 1 MiB: with `header`, the word2vec C text
 * format (`N D` line; = fastText `.vec`); without, GloVe. One line per word: the word, then each value
 * as the shortest decimal that reads back as the same float32, separated by single spaces, `\n` line
 * ends. Words are validated first (UsageError).
 */
export function* encodeTextVectors(kv: WordVectorsData, header: boolean, formatName: string): Generator<Uint8Array> {
  checkWordsForDelimitedFormat(kv, formatName);
  const dim = kv.dim;
  const vectors = kv.vectors;
  const rowBytesMax = dim * (MAX_FLOAT32_TEXT_BYTES + 1) + 1;
  let chunk = Buffer.allocUnsafe(ENCODE_CHUNK_BYTES + rowBytesMax);
  let pos = 0;
  if (header) pos += chunk.write(`${kv.words.length} ${dim}\n`, pos, 'latin1');
  for (let row = 0; row < kv.words.length; row++) {
    const word = kv.words[row];
    const needed = word.length * 3 + rowBytesMax;
    if (pos + needed > chunk.length) {
      if (pos > 0) yield chunk.subarray(0, pos);
      chunk = Buffer.allocUnsafe(Math.max(ENCODE_CHUNK_BYTES, needed) + rowBytesMax);
      pos = 0;
    }
    pos += chunk.write(word, pos, 'utf8');
    const base = row * dim;
    for (let k = 0; k < dim; k++) {
      chunk[pos++] = 32;
      pos = writeFloat32(vectors[base + k], chunk, pos);
    }
    chunk[pos++] = 10;
  }
  if (pos > 0) yield chunk.subarray(0, pos);
}
