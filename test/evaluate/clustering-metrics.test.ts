import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { adjustedRandIndex, normalizedMutualInfo, silhouetteScore } from '../../src/evaluate/clustering-metrics.js';
import { UsageError } from '../../src/errors.js';
import { Random } from '../../src/learn/random.js';

describe('clustering metrics', () => {
  it('match hand-computed values', () => {
    // contingency of [0,0,1,1] vs [0,0,1,2]: pairs together in both = 1, Σ C(a,2) = 2, Σ C(b,2) = 1,
    // expected = 2·1/6, max = 1.5 → ARI = (1 − 1/3) / (1.5 − 1/3) = 4/7
    expect(adjustedRandIndex([0, 0, 1, 1], [0, 0, 1, 2])).toBeCloseTo(4 / 7, 12);
    // H(U) = ln 2, H(V) = 1.5 ln 2, I = ln 2 → NMI = ln 2 / 1.25 ln 2 = 0.8
    expect(normalizedMutualInfo([0, 0, 1, 1], [0, 0, 1, 2])).toBeCloseTo(0.8, 12);
    expect(adjustedRandIndex([1, 1, 2, 2], [5, 5, 3, 3])).toBe(1);
    expect(normalizedMutualInfo([1, 1, 2, 2], [5, 5, 3, 3])).toBeCloseTo(1, 12);
    // points 0, 1 | 4, 5 on a line: s = 3.5/4.5 for the outer, 2.5/3.5 for the inner points
    const x = { rows: 4, dim: 1, data: Float32Array.from([0, 1, 4, 5]) };
    expect(silhouetteScore(x, [0, 0, 1, 1])).toBeCloseTo((7 / 9 + 5 / 7) / 2, 6);
  });

  it('agree with scikit-learn on random labelings', () => {
    const rng = new Random(7);
    const n = 60;
    const a = Array.from({ length: n }, () => Math.floor(rng.uniform() * 4));
    const b = Array.from({ length: n }, (_, i) => (rng.uniform() < 0.6 ? a[i] : Math.floor(rng.uniform() * 5)));
    const data = Float32Array.from({ length: n * 3 }, (_, i) => a[Math.floor(i / 3)] + rng.gaussian());
    const py = `
import json, sys, numpy as np
from sklearn import metrics
d = json.load(sys.stdin)
x = np.array(d["x"], dtype=np.float64).reshape(-1, 3)
print(json.dumps([metrics.adjusted_rand_score(d["a"], d["b"]), metrics.normalized_mutual_info_score(d["a"], d["b"]), metrics.silhouette_score(x, d["a"])]))`;
    const out = execFileSync('/usr/bin/python3', ['-c', py], { input: JSON.stringify({ a, b, x: [...data] }) }).toString();
    const [ari, nmi, sil] = JSON.parse(out) as number[];
    expect(new Set(a).size).toBe(4); // precondition: every class drawn
    expect(adjustedRandIndex(a, b)).toBeCloseTo(ari, 10);
    expect(normalizedMutualInfo(a, b)).toBeCloseTo(nmi, 10);
    expect(silhouetteScore({ rows: n, dim: 3, data }, a)).toBeCloseTo(sil, 5);
  });

  it('rejects bad input', () => {
    expect(() => adjustedRandIndex([], [])).toThrow(UsageError);
    expect(() => normalizedMutualInfo([0], [0, 1])).toThrow(/1 and 2 items/);
    expect(() => silhouetteScore({ rows: 2, dim: 1, data: Float32Array.from([0, 1]) }, [0, 0])).toThrow(/2 ≤ clusters/);
  });
});
