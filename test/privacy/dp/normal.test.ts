import { describe, expect, it } from 'vitest';
import { erfc, logErfc, logNormalCdf, normalCdf } from '../../../src/privacy/dp/normal.js';

describe('normal tails', () => {
  it('erfc matches reference values (Abramowitz & Stegun / mpmath) to 1e-12 relative', () => {
    const cases: [number, number][] = [
      [-1, 1.8427007929497148],
      [0, 1],
      [0.5, 0.4795001221869535],
      [1, 0.15729920705028513],
      [1.9, 0.007209570764742524],
      [2, 0.004677734981047266],
      [3, 2.209049699858544e-5],
      [10, 2.088487583762545e-45],
    ];
    for (const [x, want] of cases) expect(Math.abs(erfc(x) / want - 1), `erfc(${x})`).toBeLessThan(1e-12);
  });

  it('log erfc stays finite and accurate far into the tail', () => {
    // asymptotic series: erfc(x) ≈ e^{−x²}/(x√π) · (1 − 1/(2x²) + 3/(4x⁴) − 15/(8x⁶))
    const x = 40;
    const series = -x * x - Math.log(x * Math.sqrt(Math.PI)) + Math.log(1 - 1 / (2 * x * x) + 3 / (4 * x ** 4) - 15 / (8 * x ** 6));
    expect(Math.abs(logErfc(x) - series)).toBeLessThan(1e-9);
    expect(Number.isFinite(logNormalCdf(-60))).toBe(true);
    expect(normalCdf(-1.96)).toBeCloseTo(0.024997895148220435, 14);
  });
});
