import { describe } from 'vitest';
import { wordVectorsTarget } from '../../../../fuzz/targets/word-vectors.js';
import { itFuzzes } from '../fuzz-test.js';

describe('fuzzed word-vector readers', () => {
  itFuzzes(wordVectorsTarget('ekv'), 400);
  itFuzzes(wordVectorsTarget('w2v-binary'), 300);
  itFuzzes(wordVectorsTarget('w2v-text'), 300);
  itFuzzes(wordVectorsTarget('glove'), 300);
});
