import type { FuzzTarget } from '../lib/target.js';
import { wordVectorsTarget } from './word-vectors.js';

/**
 * Every fuzz target, by name: `npm run fuzz` splits its cases evenly between them, and the CI suite
 * (test/io/fuzz) runs a few hundred seeded cases of each.
 */
export const TARGETS: Readonly<Record<string, () => FuzzTarget>> = {
  ekv: () => wordVectorsTarget('ekv'),
  'w2v-binary': () => wordVectorsTarget('w2v-binary'),
  'w2v-text': () => wordVectorsTarget('w2v-text'),
  glove: () => wordVectorsTarget('glove'),
};
