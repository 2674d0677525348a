import type { Matrix } from '../../math/matrix.js';
import type { IndexResource, VectorsResource } from './types.js';

/** Number of points of a model (words, or documents of an index). */
export function pointCount(r: VectorsResource | IndexResource): number {
  return r.kind === 'vectors' ? r.vectors.size : r.ids.length;
}

/**
 * The unit vectors of the first `count` points in `/v1/points` order: word vectors (a view of the
 * cached unit-normalised copy), or each document's first-chunk vector of an index (a copy).
 */
export function pointVectors(r: VectorsResource | IndexResource, count: number): Matrix {
  if (r.kind === 'vectors') {
    const dim = r.vectors.dim;
    return { rows: count, dim, data: r.vectors.normed().subarray(0, count * dim) };
  }
  const dim = r.search.settings.dim;
  const data = new Float32Array(count * dim);
  for (let i = 0; i < count; i++) {
    const v = r.search.index.get(r.firstChunk[i])?.vector;
    if (v) data.set(v as ArrayLike<number>, i * dim);
  }
  return { rows: count, dim, data };
}
