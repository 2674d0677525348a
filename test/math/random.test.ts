import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/math/random.js';

describe('mulberry32', () => {
  it('skip starts the sequence after that many draws, in constant time', () => {
    const one = mulberry32(12345);
    const values = Array.from({ length: 10 }, () => one());
    for (const skip of [0, 1, 5, 9]) expect(mulberry32(12345, skip)()).toBe(values[skip]);
    // the state wraps every 2^32 draws
    expect(mulberry32(7, 2 ** 32 + 3)()).toBe(mulberry32(7, 3)());
    expect(mulberry32(7, Number.MAX_SAFE_INTEGER)()).toBeGreaterThanOrEqual(0);
  });
});
