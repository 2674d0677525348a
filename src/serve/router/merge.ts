// Merging the shards' top-k lists into the top-k of the whole collection. Each shard ranks its own
// documents exactly (flat index) or as well as its HNSW graph does; every document of the global
// top-k is in the top-k of the shard holding it, so the merged list equals one index's over the
// union. Ties are broken by id so the order does not depend on which shard answered first.

/** A hit as the shards return it: an id, a score (higher is better) and whatever else they send. */
export interface ScoredHit {
  id: string | number;
  score: number;
  [field: string]: unknown;
}

/** Numbers before strings, numbers ascending, strings by code units. */
export function compareIds(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Best score first, ties by {@link compareIds}. */
export function compareHits(a: ScoredHit, b: ScoredHit): number {
  return b.score - a.score || compareIds(a.id, b.id);
}

/**
 * The `k` best hits of all lists, best first. A document that several shards return (a replica,
 * an overlap between partitions) appears once, with its best score.
 */
export function mergeTopK<T extends ScoredHit>(lists: readonly (readonly T[])[], k: number): T[] {
  const all = lists.flat().sort(compareHits);
  const seen = new Set<string>();
  const out: T[] = [];
  for (const hit of all) {
    const key = `${typeof hit.id}:${hit.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(hit);
    if (out.length === k) break;
  }
  return out;
}
