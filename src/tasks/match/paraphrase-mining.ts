import { UsageError } from '../../errors.js';
import { createIndex } from '../../ann/index.js';
import type { Matrix } from '../../math/matrix.js';

/** One pair of rows at cosine similarity ≥ the threshold, `a < b`. */
export interface SimilarPair {
  a: number;
  b: number;
  score: number;
}

/** Options of {@link minePairs}. */
export interface MinePairsOptions {
  /** Cosine similarity a pair needs. Default 0.9. */
  threshold?: number;
  /** Neighbours looked at per row: a row with more partners above the threshold keeps its best `neighbors`. Default 20. */
  neighbors?: number;
  /** 'hnsw' (default; approximate, O(n log n)) or 'flat' (exact, O(n²), for small sets and checks). */
  index?: 'hnsw' | 'flat';
  /** HNSW candidate list size of the searches. Default max(64, 2·neighbors). */
  ef?: number;
  /** Worker threads. Default 1 (deterministic). */
  threads?: number;
  /** Seed of the HNSW level generator. Default 100. */
  seed?: number;
}

/** Checks that a matrix is non-empty, consistent and finite. */
export function checkMatrix(m: Matrix, what = 'vectors'): void {
  if (!Number.isInteger(m.rows) || !Number.isInteger(m.dim) || m.rows < 1 || m.dim < 1)
    throw new UsageError(`${what}: empty (${m.rows} × ${m.dim})`);
  if (m.data.length !== m.rows * m.dim) throw new UsageError(`${what}: ${m.data.length} values for ${m.rows} × ${m.dim}`);
  for (let i = 0; i < m.data.length; i++)
    if (!Number.isFinite(m.data[i])) throw new UsageError(`${what}: row ${Math.floor(i / m.dim)} has NaN or Infinity values`);
}

/**
 * Paraphrase mining / near-duplicate detection: every pair of rows with cosine similarity ≥
 * `threshold`, found through a vector index (each row asks for its `neighbors` nearest), so the
 * cost is n index searches instead of the n²/2 comparisons of sentence-transformers'
 * `paraphrase_mining`. Pairs are sorted by score (best first), then by (a, b).
 */
export async function minePairs(vectors: Matrix, options: MinePairsOptions = {}): Promise<SimilarPair[]> {
  checkMatrix(vectors);
  const threshold = options.threshold ?? 0.9;
  if (!(threshold >= -1 && threshold <= 1)) throw new UsageError(`threshold must be a cosine similarity in [-1, 1], got ${threshold}`);
  const neighbors = options.neighbors ?? 20;
  if (!Number.isInteger(neighbors) || neighbors < 1) throw new UsageError(`neighbors must be a positive integer, got ${neighbors}`);
  const n = vectors.rows;
  if (n < 2) return [];
  const threads = options.threads ?? 1;
  const index =
    (options.index ?? 'hnsw') === 'flat'
      ? createIndex({ type: 'flat', metric: 'cosine', dim: vectors.dim, threads, capacity: n })
      : createIndex({ type: 'hnsw', metric: 'cosine', dim: vectors.dim, threads, capacity: n, seed: options.seed ?? 100 });
  const ids = Array.from({ length: n }, (_, i) => i);
  await index.add(ids, vectors);
  const k = Math.min(n, neighbors + 1);
  const hits = await index.searchBatch(vectors, k, { ef: options.ef ?? Math.max(64, 2 * k), withMetadata: false });
  const seen = new Set<number>();
  const pairs: SimilarPair[] = [];
  hits.forEach((list, i) => {
    for (const h of list) {
      const j = h.id as number;
      const score = 1 - h.distance;
      if (j === i || score < threshold) continue;
      const a = Math.min(i, j);
      const b = Math.max(i, j);
      const key = a * n + b;
      if (seen.has(key)) continue;
      seen.add(key);
      pairs.push({ a, b, score });
    }
  });
  pairs.sort((x, y) => y.score - x.score || x.a - y.a || x.b - y.b);
  return pairs;
}
