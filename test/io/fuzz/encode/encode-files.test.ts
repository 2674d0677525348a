import { describe } from 'vitest';
import { cacheEntryTarget } from '../../../../fuzz/targets/cache-entry.js';
import { poolingStateTarget } from '../../../../fuzz/targets/pooling-state.js';
import { trainedFileTarget } from '../../../../fuzz/targets/trained-file.js';
import { itFuzzes } from '../fuzz-test.js';

describe('fuzzed encoder files', () => {
  itFuzzes(trainedFileTarget(), 300);
  itFuzzes(cacheEntryTarget(), 200);
  itFuzzes(poolingStateTarget(), 300);
});
