import type { KmeansMemory } from './kmeans-kernel.js';
import type { KmeansThreads } from './kmeans-threads.js';

/**
 * Greedy k-means++ seeding (Arthur & Vassilvitskii 2007, with scikit-learn's 2 + ⌊ln k⌋ local
 * trials per step, at most 8): the first centre is a uniform random row; each next one is the candidate,
 * among rows drawn with probability ∝ squared distance to the nearest chosen centre, that lowers
 * the total of those distances most. Candidates are scored in the kernel, one pass over the rows
 * per centre, split over the threads. Returns the chosen row numbers.
 */
export async function kmeansPlusPlus(mem: KmeansMemory, threads: KmeansThreads, rnd: () => number): Promise<Int32Array> {
  const { n, k, dp, trials } = mem;
  const chosen = new Int32Array(k);
  const closest = mem.f32(mem.closest, n);
  const cand = mem.i32(mem.cand, trials);
  const score = (m: number) => {
    mem.setCandidates(cand.subarray(0, m));
    return threads.all('km_pp_score', (r) => [mem.X, dp, n, r.begin, r.end, mem.xn, mem.PT, mem.pn, m, mem.closest, mem.ppDist, r.pot]);
  };
  const potentials = (m: number) => {
    const pot = new Float64Array(m);
    for (const r of mem.threads) {
      const p = mem.f64(r.pot, m);
      for (let c = 0; c < m; c++) pot[c] += p[c];
    }
    return pot;
  };
  chosen[0] = Math.min(n - 1, Math.floor(rnd() * n));
  cand[0] = chosen[0];
  closest.fill(Infinity);
  await score(1);
  closest.set(mem.f32(mem.ppDist, n));
  let current = potentials(1)[0];
  const cumulative = new Float64Array(n);
  for (let c = 1; c < k; c++) {
    let acc = 0;
    for (let i = 0; i < n; i++) cumulative[i] = acc += closest[i];
    for (let t = 0; t < trials; t++) {
      // searchsorted(cumsum, u · total), clipped like scikit-learn
      const target = rnd() * current;
      let lo = 0;
      let hi = n - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cumulative[mid] < target) lo = mid + 1;
        else hi = mid;
      }
      cand[t] = lo;
    }
    await score(trials);
    const pot = potentials(trials);
    let best = 0;
    for (let t = 1; t < trials; t++) if (pot[t] < pot[best]) best = t;
    chosen[c] = cand[best];
    current = pot[best];
    const dist = mem.f32(mem.ppDist + best * n * 4, n);
    for (let i = 0; i < n; i++) if (dist[i] < closest[i]) closest[i] = dist[i];
  }
  return chosen;
}
