import { streamedFormat } from './streamed-format.js';
import { encodeTextVectors } from './text-encoder.js';
import { TextVectorParser } from './text-parser.js';
import type { VectorFormat } from './vector-format.js';

/** word2vec C text format (gensim `binary=False`, fastText `.vec`): `N D` header, then `word v1 … vD` lines. */
export const w2vTextFormat: VectorFormat = streamedFormat({
  name: 'w2v-text',
  description: "word2vec text (= fastText .vec): header 'count dim', then one 'word v1 … vD' line per word",
  extensions: ['.vec', '.txt', '.w2v'],
  parser: (file, options, size) => new TextVectorParser(file, 'w2v', options, size),
  encode: (kv) => encodeTextVectors(kv, true, 'w2v-text'),
});
