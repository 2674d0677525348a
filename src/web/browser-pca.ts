// PCA in the page, for servers without the projection routes (POST /v1/projections answers 404):
// the vectors come from /v1/vectors in pages, the d × d covariance is accumulated once, and its top
// components are found by power iteration with deflation (seeded start vectors).
import type { ApiClient } from './api.js';

const PAGE = 2000;

export async function browserPca(
  api: ApiClient,
  model: string,
  words: readonly string[],
  dims: 2 | 3,
  seed: number,
  onProgress: (fraction: number, phase: string) => void,
): Promise<Float32Array> {
  const n = words.length;
  let d = 0;
  let data = new Float32Array(0);
  for (let start = 0; start < n; start += PAGE) {
    onProgress((0.8 * start) / n, 'fetching vectors');
    const page = words.slice(start, start + PAGE);
    const { vectors } = await api.vectors(model, page);
    page.forEach((w, k) => {
      const v = vectors[w];
      if (!v) throw new Error(`The server sent no vector for "${w}".`);
      if (d === 0) {
        d = v.length;
        data = new Float32Array(n * d);
      }
      data.set(v, (start + k) * d);
    });
  }
  onProgress(0.85, 'covariance');
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += data[i * d + j] / n;
  const cov = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = data[i * d + j] - mean[j];
    for (let a = 0; a < d; a++) {
      const ra = row[a];
      if (ra === 0) continue;
      for (let b = a; b < d; b++) cov[a * d + b] += ra * row[b];
    }
  }
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) cov[a * d + b] = cov[b * d + a];
  onProgress(0.95, 'components');
  let state = seed >>> 0 || 1;
  const random = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296 - 0.5;
  };
  const components: Float64Array[] = [];
  for (let c = 0; c < dims; c++) {
    let v = Float64Array.from({ length: d }, random);
    for (let iter = 0; iter < 300; iter++) {
      const next = new Float64Array(d);
      for (let a = 0; a < d; a++) {
        let s = 0;
        for (let b = 0; b < d; b++) s += cov[a * d + b] * v[b];
        next[a] = s;
      }
      for (const u of components) {
        let dot = 0;
        for (let a = 0; a < d; a++) dot += next[a] * u[a];
        for (let a = 0; a < d; a++) next[a] -= dot * u[a];
      }
      const norm = Math.hypot(...next) || 1;
      let change = 0;
      for (let a = 0; a < d; a++) {
        next[a] /= norm;
        change += Math.abs(next[a] - v[a]);
      }
      v = next;
      if (change < 1e-9) break;
    }
    components.push(v);
  }
  const out = new Float32Array(n * dims);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < dims; c++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (data[i * d + j] - mean[j]) * components[c][j];
      out[i * dims + c] = s;
    }
  }
  return out;
}
