import { describe } from 'vitest';
import { jsonlTarget } from '../../../../fuzz/targets/jsonl.js';
import { npyTarget } from '../../../../fuzz/targets/npy.js';
import { vecsTarget } from '../../../../fuzz/targets/vecs.js';
import { itFuzzes } from '../fuzz-test.js';

describe('fuzzed matrix readers (and readVectorsAny)', () => {
  itFuzzes(vecsTarget(), 300);
  itFuzzes(npyTarget(), 300);
  itFuzzes(jsonlTarget(), 300);
});
