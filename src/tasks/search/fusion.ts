import { UsageError } from '../../errors.js';

/** How dense and lexical rankings are combined. */
export type FusionMode = 'rrf' | 'convex' | 'dense' | 'bm25';

/** Fusion settings (see {@link fuseRankings}). */
export interface FusionOptions {
  /** Default 'convex' (tuned on the npm README bench, see docs/benchmarks.md). */
  mode?: FusionMode;
  /** rrf: the rank constant k of 1/(k + rank) (Cormack et al. 2009). Default 60. */
  rrfK?: number;
  /**
   * Weight of the dense side: rrf multiplies its reciprocal ranks by `2·denseWeight` and the BM25
   * side's by `2·(1 − denseWeight)`; convex scores `denseWeight·dense + (1 − denseWeight)·bm25` on
   * min–max normalised scores (Bruch et al. 2023). Default 0.2 (tuned with the pooled GloVe
   * encoders; a strong sentence encoder wants more: use `tuneFusion`).
   */
  denseWeight?: number;
}

/** Checked fusion settings with defaults. */
export function fusionSettings(o: FusionOptions = {}): Required<FusionOptions> {
  const mode = o.mode ?? 'convex';
  if (!['rrf', 'convex', 'dense', 'bm25'].includes(mode))
    throw new UsageError(`fusion mode must be rrf, convex, dense or bm25, got '${mode}'`);
  const rrfK = o.rrfK ?? 60;
  if (!(Number.isFinite(rrfK) && rrfK >= 0)) throw new UsageError(`rrfK must be a finite number ≥ 0, got ${rrfK}`);
  const denseWeight = o.denseWeight ?? 0.2;
  if (!(denseWeight >= 0 && denseWeight <= 1)) throw new UsageError(`denseWeight must be in [0, 1], got ${denseWeight}`);
  return { mode, rrfK, denseWeight };
}

/** A document and its score on one side (higher = better), best first. */
export interface ScoredKey {
  key: number;
  score: number;
}

function minMax(list: readonly ScoredKey[]): Map<number, number> {
  const out = new Map<number, number>();
  if (list.length === 0) return out;
  let lo = Infinity;
  let hi = -Infinity;
  for (const h of list) {
    lo = Math.min(lo, h.score);
    hi = Math.max(hi, h.score);
  }
  for (const h of list) out.set(h.key, hi > lo ? (h.score - lo) / (hi - lo) : 1);
  return out;
}

/** Combines a dense and a BM25 ranking of documents into one, best first (ties by key). */
export function fuseRankings(dense: readonly ScoredKey[], lexical: readonly ScoredKey[], options: FusionOptions = {}): ScoredKey[] {
  const { mode, rrfK, denseWeight } = fusionSettings(options);
  if (mode === 'dense') return [...dense];
  if (mode === 'bm25') return [...lexical];
  const scores = new Map<number, number>();
  if (mode === 'rrf') {
    dense.forEach((h, r) => scores.set(h.key, (scores.get(h.key) ?? 0) + (2 * denseWeight) / (rrfK + r + 1)));
    lexical.forEach((h, r) => scores.set(h.key, (scores.get(h.key) ?? 0) + (2 * (1 - denseWeight)) / (rrfK + r + 1)));
  } else {
    // a document missing from one list gets that side's minimum (0 after normalisation)
    for (const [key, s] of minMax(dense)) scores.set(key, denseWeight * s);
    for (const [key, s] of minMax(lexical)) scores.set(key, (scores.get(key) ?? 0) + (1 - denseWeight) * s);
  }
  const out: ScoredKey[] = [];
  for (const [key, score] of scores) out.push({ key, score });
  out.sort((a, b) => b.score - a.score || a.key - b.key);
  return out;
}
