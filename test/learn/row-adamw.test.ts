import { describe, expect, it } from 'vitest';
import { Adam } from '../../src/learn/adam.js';
import { Random } from '../../src/learn/random.js';
import { RowAdamW } from '../../src/learn/row-adamw.js';

describe('RowAdamW', () => {
  it('updating every row equals AdamW (src/learn/adam.ts)', () => {
    const rng = new Random(3);
    const a = Float32Array.from({ length: 12 }, () => rng.gaussian());
    const b = Float32Array.from(a);
    const dense = new Adam([a], 0.01, 0.1);
    const rows = new RowAdamW(b, 4, 0.01, 0.1);
    for (let t = 0; t < 20; t++) {
      const g = Float32Array.from({ length: 12 }, () => rng.gaussian());
      dense.step([g]);
      rows.step(g);
    }
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i], 5);
  });

  it('lazy rows: untouched rows keep their value until settle, which applies exactly the skipped decay', () => {
    const p = new Float32Array([1, 1, 2, 2, 3, 3]);
    const opt = new RowAdamW(p, 2, 0.1, 0.5);
    const g = new Float32Array([1, -1]);
    for (let t = 0; t < 5; t++) opt.step(g, [0]);
    expect(Array.from(p.subarray(2))).toEqual([2, 2, 3, 3]);
    opt.step(g, [1]);
    // Row 1's first update brings six steps of decay (1 − 0.05)^6 and an Adam step whose bias
    // correction is that of step 6 (LazyAdam's global step count).
    const step = (0.1 * (0.1 / (1 - 0.9 ** 6))) / (Math.sqrt(0.001 / (1 - 0.999 ** 6)) + 1e-8);
    expect(p[2]).toBeCloseTo(2 * 0.95 ** 6 - step, 5);
    opt.settle();
    expect(p[4]).toBeCloseTo(3 * 0.95 ** 6, 5);
    opt.settle();
    expect(p[4]).toBeCloseTo(3 * 0.95 ** 6, 5);
  });
});
