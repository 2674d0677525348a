import { AbortError } from '../../errors.js';
import { yieldToEventLoop } from '../../kernels/yield.js';
import type { Matrix } from '../../math/matrix.js';

/** How the distance between two clusters is defined. */
export type Linkage = 'ward' | 'average' | 'complete' | 'single';

/** The n − 1 merges in the order the chain made them: a[t], b[t] are points of the two clusters. */
export interface Merges {
  a: Int32Array;
  b: Int32Array;
  distance: Float64Array;
}

/** Position of pair (i, j), i < j, in the condensed (upper triangle, row-major) matrix. */
function at(n: number, i: number, j: number): number {
  return n * i - (i * (i + 1)) / 2 + (j - i - 1);
}

/**
 * Lance–Williams update: distance from cluster i to the union of clusters x and y (sizes si, sx,
 * sy), as scipy's `_hierarchy_distance_update`. Ward's is on distances (not squared), as scipy's.
 */
function update(linkage: Linkage, dxi: number, dyi: number, dxy: number, sx: number, sy: number, si: number): number {
  switch (linkage) {
    case 'single':
      return Math.min(dxi, dyi);
    case 'complete':
      return Math.max(dxi, dyi);
    case 'average':
      return (sx * dxi + sy * dyi) / (sx + sy);
    case 'ward': {
      const t = si + sx + sy;
      return Math.sqrt(((si + sx) * dxi * dxi + (si + sy) * dyi * dyi - si * dxy * dxy) / t);
    }
  }
}

/**
 * The full hierarchy by the nearest-neighbour chain (Murtagh 1983; Müllner 2011, alg. 4): follow
 * nearest neighbours until two clusters are each other's nearest, merge them, keep the rest of the
 * chain. Exact for the reducible linkages (single, complete, average, Ward). The condensed
 * matrix holds Euclidean distances in float64; the merged cluster takes the slot of the larger
 * index. Yields to the event loop every few merges.
 */
export async function nnChainLinkage(x: Matrix, linkage: Linkage, signal?: AbortSignal): Promise<Merges> {
  const { rows: n, dim, data } = x;
  const D = new Float64Array((n * (n - 1)) / 2);
  for (let i = 0, p = 0; i < n; i++) {
    const oi = i * dim;
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let d = 0, oj = j * dim; d < dim; d++) {
        const t = data[oi + d] - data[oj + d];
        s += t * t;
      }
      D[p++] = Math.sqrt(s);
    }
  }
  const size = new Float64Array(n).fill(1);
  const active = new Uint8Array(n).fill(1);
  const a = new Int32Array(Math.max(0, n - 1));
  const b = new Int32Array(Math.max(0, n - 1));
  const distance = new Float64Array(Math.max(0, n - 1));
  const chain = new Int32Array(n);
  let top = 0;
  for (let k = 0; k < n - 1; k++) {
    if (k % 64 === 63) {
      if (signal?.aborted) throw new AbortError('agglomerative clustering aborted');
      await yieldToEventLoop();
    }
    if (top === 0) {
      let first = 0;
      while (!active[first]) first++;
      chain[top++] = first;
    }
    let x0: number;
    let y0: number;
    let best: number;
    for (;;) {
      x0 = chain[top - 1];
      y0 = top > 1 ? chain[top - 2] : -1;
      best = top > 1 ? D[x0 < y0 ? at(n, x0, y0) : at(n, y0, x0)] : Infinity;
      for (let i = 0; i < n; i++) {
        if (!active[i] || i === x0) continue;
        const d = D[x0 < i ? at(n, x0, i) : at(n, i, x0)];
        if (d < best) {
          best = d;
          y0 = i;
        }
      }
      if (top > 1 && y0 === chain[top - 2]) break;
      chain[top++] = y0;
    }
    top -= 2;
    const xs = Math.min(x0, y0);
    const ys = Math.max(x0, y0);
    a[k] = xs; // slot i always holds point i's cluster
    b[k] = ys;
    distance[k] = best;
    const sx = size[xs];
    const sy = size[ys];
    for (let i = 0; i < n; i++) {
      if (!active[i] || i === xs || i === ys) continue;
      const pxi = xs < i ? at(n, xs, i) : at(n, i, xs);
      const pyi = ys < i ? at(n, ys, i) : at(n, i, ys);
      D[pyi] = update(linkage, D[pxi], D[pyi], best, sx, sy, size[i]);
    }
    active[xs] = 0;
    size[ys] = sx + sy;
  }
  return { a, b, distance };
}
