import { describe } from 'vitest';
import { loadIndexTarget } from '../../../../fuzz/targets/load-index.js';
import { itFuzzes } from '../fuzz-test.js';

describe('fuzzed index loader (public API: createIndex(...).save, loadIndex)', () => {
  itFuzzes(loadIndexTarget(), 300);
});
