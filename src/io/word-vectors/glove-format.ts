import { streamedFormat } from './streamed-format.js';
import { encodeTextVectors } from './text-encoder.js';
import { TextVectorParser } from './text-parser.js';
import type { VectorFormat } from './vector-format.js';

/** GloVe text format: `word v1 … vD` lines with no header; D is the number of values on the first line. */
export const gloveFormat: VectorFormat = streamedFormat({
  name: 'glove',
  description: "GloVe text: one 'word v1 … vD' line per word, no header (dimension from the first line)",
  extensions: ['.txt'],
  parser: (file, options, size) => new TextVectorParser(file, 'glove', options, size),
  encode: (kv) => encodeTextVectors(kv, false, 'glove'),
});
