import { describe } from 'vitest';
import { containerTarget } from '../../../../fuzz/targets/container.js';
import { itFuzzes } from '../fuzz-test.js';

describe('fuzzed index container reader', () => {
  itFuzzes(containerTarget(), 400);
});
