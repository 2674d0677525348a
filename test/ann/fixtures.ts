import { mulberry32 } from '../../src/math/random.js';

/** n clustered points of dimension dim (Gaussian blobs), deterministic. */
export function blobs(n: number, dim: number, seed = 1, clusters = 20): Float32Array {
  const rnd = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
  const centres = Array.from({ length: clusters }, () => Float32Array.from({ length: dim }, () => gauss() * 4));
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const c = centres[Math.floor(rnd() * clusters)];
    for (let d = 0; d < dim; d++) out[i * dim + d] = c[d] + gauss();
  }
  return out;
}

/** Exact k nearest rows of `data` to each query row, by brute force in float64. */
export function bruteForce(
  data: Float32Array,
  queries: Float32Array,
  dim: number,
  k: number,
  metric: 'l2' | 'ip' | 'cosine',
  allow?: (row: number) => boolean,
): number[][] {
  const n = data.length / dim;
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let d = 0; d < dim; d++) s += data[i * dim + d] ** 2;
    norms[i] = Math.sqrt(s);
  }
  const out: number[][] = [];
  for (let q = 0; q < queries.length / dim; q++) {
    let qn = 0;
    for (let d = 0; d < dim; d++) qn += queries[q * dim + d] ** 2;
    qn = Math.sqrt(qn);
    const scored: [number, number][] = [];
    for (let i = 0; i < n; i++) {
      if (allow && !allow(i)) continue;
      let dot = 0;
      let l2 = 0;
      for (let d = 0; d < dim; d++) {
        const a = queries[q * dim + d];
        const b = data[i * dim + d];
        dot += a * b;
        l2 += (a - b) ** 2;
      }
      scored.push([metric === 'l2' ? l2 : metric === 'ip' ? -dot : 1 - dot / (qn * norms[i] || 1), i]);
    }
    scored.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    out.push(scored.slice(0, k).map((s) => s[1]));
  }
  return out;
}

/** Mean fraction of the true k neighbours found. */
export function recall(found: { id: number | string }[][], truth: number[][]): number {
  let hit = 0;
  let total = 0;
  found.forEach((hits, q) => {
    const t = new Set(truth[q]);
    hit += hits.filter((h) => t.has(h.id as number)).length;
    total += truth[q].length;
  });
  return hit / total;
}
