import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { aliasProbabilities, buildAliasTable } from '../../src/math/alias-table.js';
import { mulberry32 } from '../../src/math/random.js';

describe('alias table (noise distribution for negative sampling)', () => {
  it('represents the distribution exactly (to 2^-32 rounding)', () => {
    const counts = [1000, 500, 120, 40, 40, 7, 1, 1];
    const w = counts.map((c) => Math.pow(c, 0.75));
    const total = w.reduce((a, b) => a + b, 0);
    const p = aliasProbabilities(buildAliasTable(w));
    w.forEach((x, i) => expect(p[i]).toBeCloseTo(x / total, 8));
  });

  it('draws with the right frequencies', () => {
    const w = [5, 3, 1, 1];
    const t = buildAliasTable(w);
    const rnd = mulberry32(1);
    const hits = new Array(4).fill(0);
    const n = 200000;
    for (let k = 0; k < n; k++) {
      const i = Math.floor(rnd() * 4);
      const u = Math.floor(rnd() * 4294967296);
      hits[u <= t.prob[i] ? i : t.alias[i]]++;
    }
    w.forEach((x, i) => expect(hits[i] / n).toBeCloseTo(x / 10, 2));
  });

  it('handles one outcome, zero weights, and rejects bad weights', () => {
    expect(aliasProbabilities(buildAliasTable([3]))[0]).toBeCloseTo(1, 9);
    const p = aliasProbabilities(buildAliasTable([0, 1, 0, 1]));
    expect(p[0]).toBeLessThan(1e-9);
    expect(p[1]).toBeCloseTo(0.5, 9);
    expect(() => buildAliasTable([])).toThrow(UsageError);
    expect(() => buildAliasTable([0, 0])).toThrow(/all zero/);
    expect(() => buildAliasTable([1, -1])).toThrow(/>= 0/);
    expect(() => buildAliasTable([1, NaN])).toThrow(UsageError);
  });
});
