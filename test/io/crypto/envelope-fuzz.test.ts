import { describe } from 'vitest';
import { encryptedTarget } from '../../../fuzz/targets/encrypted.js';
import { itFuzzes } from '../fuzz/fuzz-test.js';

describe('fuzzed encrypted envelopes', () => {
  itFuzzes(encryptedTarget(), 400);
});
