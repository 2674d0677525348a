import { describe, expect, it } from 'vitest';
import { describeMapPooling, poolFeatureMaps, resolveMapPooling, rmacRegions } from '../../../src/encode/image/map-pooling.js';
import { UsageError } from '../../../src/errors.js';

// One image, a 2 × 2 map with 2 channels (NHWC): channel 0 = 1, 2, 3, 4; channel 1 = 0, 0, 0, 8.
const MAP = new Float32Array([1, 0, 2, 0, 3, 0, 4, 8]);
const pool = (type: 'average' | 'max' | 'gem' | 'rmac', extra: { p?: number; levels?: number } = {}, data = MAP, images = 1) => [
  ...poolFeatureMaps(data, images, 2, 2, 2, resolveMapPooling({ type, ...extra })),
];

describe('feature-map pooling (GeM, R-MAC, max, average)', () => {
  it('resolves the option and checks it', () => {
    expect(resolveMapPooling(undefined)).toEqual({ type: 'average', p: 3, levels: 3 });
    expect(resolveMapPooling('gem')).toEqual({ type: 'gem', p: 3, levels: 3 });
    expect(resolveMapPooling({ type: 'gem', p: 4.5 })).toEqual({ type: 'gem', p: 4.5, levels: 3 });
    expect(resolveMapPooling({ type: 'rmac', levels: 2 })).toEqual({ type: 'rmac', p: 3, levels: 2 });
    expect(describeMapPooling(resolveMapPooling({ type: 'gem', p: 2 }))).toBe('gem(p=2)');
    expect(describeMapPooling(resolveMapPooling('rmac'))).toBe('rmac(levels=3)');
    expect(() => resolveMapPooling('median' as never)).toThrow(/pooling must be one of average, max, gem, rmac/);
    expect(() => resolveMapPooling({ type: 'gem', p: 0.5 })).toThrow(UsageError);
    expect(() => resolveMapPooling({ type: 'rmac', levels: 0 })).toThrow(/levels/);
    expect(() => resolveMapPooling({ type: 'gem', q: 1 } as never)).toThrow(/unknown pooling setting 'q'/);
  });

  it('pools a tiny map to hand-computed values', () => {
    expect(pool('average')).toEqual([2.5, 2]);
    expect(pool('max')).toEqual([4, 8]);
    // GeM p = 3: ((1 + 8 + 27 + 64) / 4)^(1/3) = 25^(1/3); ((0 + 0 + 0 + 512) / 4)^(1/3) = 128^(1/3) (zeros clamped to 1e-6)
    const gem = pool('gem');
    expect(gem[0]).toBeCloseTo(2.9240177, 6);
    expect(gem[1]).toBeCloseTo(5.0396842, 6);
    // p = 1 is the average (but for the clamped zeros); a large p tends to the max
    pool('gem', { p: 1 }).forEach((v, c) => expect(v).toBeCloseTo([2.5, 2][c], 5));
    expect(pool('gem', { p: 64 })[0]).toBeCloseTo(4 * 0.25 ** (1 / 64), 5);
    // R-MAC, 2 levels: the whole map (max [4, 8] → unit [1, 2]/√5) + four 1 × 1 regions
    // ([1,0], [2,0], [3,0] → [1, 0] each; [4, 8] → [1, 2]/√5)
    const rmac = pool('rmac', { levels: 2 });
    expect(rmac[0]).toBeCloseTo(3 + 2 / Math.sqrt(5), 6);
    expect(rmac[1]).toBeCloseTo(4 / Math.sqrt(5), 6);
  });

  it('places the R-MAC regions as Tolias et al. (2016) do', () => {
    const r7 = rmacRegions(7, 7, 3);
    expect(r7).toHaveLength(1 + 4 + 9);
    expect(r7[0]).toEqual({ top: 0, left: 0, size: 7 });
    expect(r7.slice(1, 5).map((r) => [r.top, r.left, r.size])).toEqual([
      [0, 0, 5],
      [0, 2, 5],
      [2, 0, 5],
      [2, 2, 5],
    ]);
    expect(new Set(r7.slice(5).map((r) => r.size))).toEqual(new Set([4]));
    expect(r7.slice(5).map((r) => r.left)).toEqual([0, 2, 3, 0, 2, 3, 0, 2, 3]);
    // a wide map: the largest square centred, one more region along the longer side
    const wide = rmacRegions(3, 5, 2);
    expect(wide[0]).toEqual({ top: 0, left: 1, size: 3 });
    expect(wide.slice(1).map((r) => [r.top, r.left, r.size])).toEqual([
      [0, 0, 2],
      [0, 2, 2],
      [0, 3, 2],
      [1, 0, 2],
      [1, 2, 2],
      [1, 3, 2],
    ]);
  });

  it('is deterministic and independent of the batch', () => {
    const other = new Float32Array(8).map((_, i) => ((i * 7) % 5) / 3);
    const both = new Float32Array([...MAP, ...other]);
    for (const type of ['average', 'max', 'gem', 'rmac'] as const) {
      const batch = pool(type, { levels: 2 }, both, 2);
      expect(batch.slice(0, 2)).toEqual(pool(type, { levels: 2 }));
      expect(batch.slice(2)).toEqual(pool(type, { levels: 2 }, other));
      expect(pool(type, { levels: 2 }, both, 2)).toEqual(batch);
    }
    expect(() => poolFeatureMaps(MAP, 2, 2, 2, 2, resolveMapPooling('gem'))).toThrow(/expected 2 × 2 × 2 × 2 values, got 8/);
  });
});
