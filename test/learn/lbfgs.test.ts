import { describe, expect, it } from 'vitest';
import { minimizeLbfgs } from '../../src/learn/lbfgs.js';

describe('minimizeLbfgs', () => {
  it('finds the minimum of the Rosenbrock function', () => {
    const f = (x: Float64Array, g: Float64Array) => {
      const [a, b] = x;
      g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
      g[1] = 200 * (b - a * a);
      return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
    };
    const r = minimizeLbfgs(f, Float64Array.from([-1.2, 1]), { maxIter: 500, gtol: 1e-8 });
    expect(r.x[0]).toBeCloseTo(1, 5);
    expect(r.x[1]).toBeCloseTo(1, 5);
    expect(r.converged).toBe(true);
  });

  it('solves an ill-conditioned quadratic in few iterations', () => {
    const scale = Float64Array.from({ length: 50 }, (_, i) => 1 + i * 20);
    const f = (x: Float64Array, g: Float64Array) => {
      let v = 0;
      for (let i = 0; i < x.length; i++) {
        g[i] = scale[i] * (x[i] - i);
        v += 0.5 * scale[i] * (x[i] - i) ** 2;
      }
      return v;
    };
    const r = minimizeLbfgs(f, new Float64Array(50), { gtol: 1e-6, ftol: 0 });
    for (let i = 0; i < 50; i++) expect(r.x[i]).toBeCloseTo(i, 5);
    expect(r.iterations).toBeLessThan(120);
  });
});
