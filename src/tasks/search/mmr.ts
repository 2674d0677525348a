import { UsageError } from '../../errors.js';

/**
 * Maximal marginal relevance (Carbonell & Goldstein 1998): picks `k` of the candidates one at a
 * time, each maximising `λ·relevance − (1 − λ)·max cosine to those already picked`. `vectors[i]`
 * are unit vectors of the candidates, `relevance[i]` their (comparable) relevance scores, in the
 * candidates' order. Returns the picked candidate positions in pick order.
 */
export function maximalMarginalRelevance(
  relevance: readonly number[],
  vectors: readonly Float32Array[],
  k: number,
  lambda: number,
): number[] {
  if (!(lambda >= 0 && lambda <= 1)) throw new UsageError(`mmr lambda must be in [0, 1], got ${lambda}`);
  if (relevance.length !== vectors.length) throw new UsageError('mmr: one vector per candidate needed');
  const n = relevance.length;
  const maxSim = new Float64Array(n).fill(-Infinity);
  const picked: number[] = [];
  const used = new Uint8Array(n);
  while (picked.length < Math.min(k, n)) {
    let best = -1;
    let bestValue = -Infinity;
    for (let i = 0; i < n; i++) {
      if (used[i]) continue;
      const redundancy = picked.length === 0 ? 0 : maxSim[i];
      const v = lambda * relevance[i] - (1 - lambda) * redundancy;
      if (v > bestValue) [best, bestValue] = [i, v];
    }
    used[best] = 1;
    picked.push(best);
    const p = vectors[best];
    for (let i = 0; i < n; i++) {
      if (used[i]) continue;
      const q = vectors[i];
      let dot = 0;
      for (let d = 0; d < p.length; d++) dot += p[d] * q[d];
      if (dot > maxSim[i]) maxSim[i] = dot;
    }
  }
  return picked;
}
