// Reference values from TensorFlow Privacy's own tests (tensorflow/privacy,
// tensorflow_privacy/privacy/analysis/rdp_accountant_test.py and
// compute_dp_sgd_privacy_test.py), which use the same subsampled-Gaussian RDP (Mironov, Talwar &
// Zhang 2019) and the same RDP → (ε, δ) conversion (Balle et al. 2020; dp_accounting).
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ORDERS,
  dpSgdEpsilon,
  dpSgdNoiseMultiplier,
  epsilonFromRdp,
  rdpOfSteps,
  rdpSubsampledGaussian,
} from '../../../src/privacy/dp/rdp-accountant.js';

describe('RDP accountant of the subsampled Gaussian', () => {
  it('edge cases: no data, no sampling', () => {
    expect(rdpSubsampledGaussian(0, 10, 20)).toBe(0);
    expect(rdpSubsampledGaussian(1, 10, 20)).toBeCloseTo(0.1, 15); // α / 2σ²
  });

  it('matches TF-Privacy test_compute_rdp_scalar and test_compute_rdp_sequence', () => {
    expect(rdpOfSteps(0.1, 2, 10, [5])[0]).toBeCloseTo(0.07737, 5);
    const got = rdpOfSteps(0.01, 2.5, 50, [1.5, 2.5, 5, 50, 100]);
    const want = [0.00065, 0.001085, 0.00218075, 0.023846, 167.416307];
    want.forEach((w, i) => expect(Math.abs(got[i] - w), `order ${[1.5, 2.5, 5, 50, 100][i]}`).toBeLessThan(1e-5));
  });

  it('the fractional-order series is continuous with the exact integer-order sum', () => {
    for (const [q, sigma] of [
      [0.01, 2.5],
      [0.1, 1],
      [0.001, 0.8],
      [0.5, 4],
    ])
      for (const alpha of [2, 3, 7, 20]) {
        const exact = rdpSubsampledGaussian(q, sigma, alpha);
        const near = rdpSubsampledGaussian(q, sigma, alpha + 1e-9);
        expect(Math.abs(near - exact) / exact, `q ${q} σ ${sigma} α ${alpha}`).toBeLessThan(1e-6);
      }
  });

  it('matches TF-Privacy test_get_privacy_spent_check_target_delta (conversion)', () => {
    const orders = Array.from({ length: 31 }, (_, i) => i + 2);
    const { epsilon, order } = epsilonFromRdp(orders, new Float64Array(31).fill(1.1), 1e-5);
    expect(order).toBe(32);
    expect(epsilon).toBeCloseTo(1.32783806176, 9);
    // the plain Gaussian with σ = 4.530877117 is exactly (1, 1e-6)-DP through this conversion
    const fine = Array.from({ length: 99000 }, (_, i) => 1 + 0.001 * (i + 1));
    const e = epsilonFromRdp(fine, rdpOfSteps(1, 4.530877117, 1, fine), 1e-6).epsilon;
    expect(e).toBeCloseTo(1, 6);
  });

  it('matches TF-Privacy compute_dp_sgd_privacy (MNIST-like settings)', () => {
    // (n, batch, σ, epochs, δ) → ε, order; steps = ceil(epochs · n / batch), q = batch / n
    const cases: [number, number, number, number, number, number, number][] = [
      [60000, 150, 1.3, 15, 1e-5, 0.7242234026109595, 19],
      [100000, 100, 1.0, 30, 1e-7, 1.4154988495444842, 13],
      [100000000, 1024, 0.1, 10, 1e-7, 5907982.3113978775, 1.25], // fractional order, tiny σ
    ];
    for (const [n, batch, sigma, epochs, delta, eps, order] of cases) {
      const r = dpSgdEpsilon(batch / n, sigma, Math.ceil((epochs * n) / batch), delta, DEFAULT_ORDERS);
      expect(r.order).toBe(order);
      expect(Math.abs(r.epsilon - eps) / eps).toBeLessThan(1e-9);
    }
  });

  it('the inverse finds the noise multiplier for a target ε', () => {
    const steps = Math.ceil((15 * 60000) / 150);
    const sigma = dpSgdNoiseMultiplier(150 / 60000, steps, 0.7242234026109595, 1e-5);
    expect(Math.abs(sigma - 1.3)).toBeLessThan(1.3e-4 + 1e-9);
    expect(dpSgdEpsilon(150 / 60000, sigma, steps, 1e-5).epsilon).toBeLessThanOrEqual(0.7242234026109595 + 1e-12);
  });
});
