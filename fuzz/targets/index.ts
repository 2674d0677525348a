import type { FuzzTarget } from '../lib/target.js';
import { cacheEntryTarget } from './cache-entry.js';
import { containerTarget } from './container.js';
import { encryptedTarget } from './encrypted.js';
import { jsonlTarget } from './jsonl.js';
import { loadIndexTarget } from './load-index.js';
import { npyTarget } from './npy.js';
import { poolingStateTarget } from './pooling-state.js';
import { trainedFileTarget } from './trained-file.js';
import { vecsTarget } from './vecs.js';
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
  vecs: vecsTarget,
  npy: npyTarget,
  jsonl: jsonlTarget,
  container: containerTarget,
  index: loadIndexTarget,
  ekte: trainedFileTarget,
  'cache-entry': cacheEntryTarget,
  'pooling-state': poolingStateTarget,
  encrypted: encryptedTarget,
};
