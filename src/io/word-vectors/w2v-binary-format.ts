import { encodeW2vBinary } from './binary-encoder.js';
import { BinaryVectorParser } from './binary-parser.js';
import { streamedFormat } from './streamed-format.js';
import type { VectorFormat } from './vector-format.js';

/** word2vec C binary format (gensim `binary=True`): `N D` header line, then `word` + space + D float32 LE per word. */
export const w2vBinaryFormat: VectorFormat = streamedFormat({
  name: 'w2v-binary',
  description: "word2vec binary (gensim binary=True): header 'count dim', then per word: word, space, dim × float32 LE",
  extensions: ['.bin'],
  parser: (file, options, size) => new BinaryVectorParser(file, options, size),
  encode: (kv) => encodeW2vBinary(kv),
});
