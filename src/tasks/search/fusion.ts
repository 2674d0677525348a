import { UsageError } from '../../errors.js';

/** How the dense, latent (LSA) and lexical (BM25) rankings are combined. */
export type FusionMode = 'rrf' | 'convex' | 'dense' | 'latent' | 'bm25';

/** How convex fusion puts the sides' scores on one scale. */
export type ScoreNormalization = 'minmax' | 'zscore';

/** Fusion settings (see {@link fuseRankings}). */
export interface FusionOptions {
  /** Default 'convex' (tuned on the npm README bench, see docs/benchmarks.md). */
  mode?: FusionMode;
  /** rrf: the rank constant k of 1/(k + rank) (Cormack et al. 2009). Default 60. */
  rrfK?: number;
  /**
   * Weight of the dense (encoder) side: rrf multiplies its reciprocal ranks by `2·denseWeight`,
   * convex scores `denseWeight·dense + latentWeight·latent + (1 − denseWeight − latentWeight)·bm25`
   * on normalised scores (Bruch et al. 2023). Default 0.1 (chosen on the tuning half of the npm
   * README bench with the pooled GloVe encoder; a strong sentence encoder wants more: use `tuneFusion`).
   */
  denseWeight?: number;
  /**
   * Weight of the latent side (LSA of the collection, see `SemanticSearchOptions.latent`); the BM25
   * side gets what is left. Default 0.1 (ignored when the index has no latent model).
   */
  latentWeight?: number;
  /**
   * Weight of the whole-document BM25 side: every document is also indexed whole, besides its
   * chunks, and this ranking enters the fusion next to the chunk ranking (a document scores as its
   * best chunk there), so a document whose query words are spread over several chunks is not lost.
   * The chunk BM25 side gets `1 − denseWeight − latentWeight − documentWeight`. Default
   * {@link DEFAULT_DOCUMENT_WEIGHT} (0: off, see there).
   */
  documentWeight?: number;
  /**
   * convex: `minmax` (each list scaled to [0, 1]) or `zscore` (each list centred and divided by its
   * standard deviation, which an outlier at the top does not squash). Default `minmax`.
   */
  normalization?: ScoreNormalization;
  /**
   * RM3 pseudo-relevance feedback on the BM25 side: the query is expanded with the `feedbackTerms`
   * most likely terms of its `feedbackDocs` best BM25 chunks and searched again, its own terms
   * keeping `feedbackWeight` of the mass. Default 0 (off).
   */
  feedbackDocs?: number;
  /** Expansion terms of RM3. Default 10. */
  feedbackTerms?: number;
  /** Weight of the original query terms in RM3, in [0, 1]. Default 0.5. */
  feedbackWeight?: number;
}

/** Checked fusion settings with defaults. */
export function fusionSettings(o: FusionOptions = {}): Required<FusionOptions> {
  const mode = o.mode ?? 'convex';
  if (!['rrf', 'convex', 'dense', 'latent', 'bm25'].includes(mode))
    throw new UsageError(`fusion mode must be rrf, convex, dense, latent or bm25, got '${mode}'`);
  const rrfK = o.rrfK ?? 60;
  if (!(Number.isFinite(rrfK) && rrfK >= 0)) throw new UsageError(`rrfK must be a finite number ≥ 0, got ${rrfK}`);
  const denseWeight = o.denseWeight ?? 0.1;
  if (!(denseWeight >= 0 && denseWeight <= 1)) throw new UsageError(`denseWeight must be in [0, 1], got ${denseWeight}`);
  // the default latent weight gives way to a large dense (or given document) weight; a given one must fit
  const latentWeight = o.latentWeight ?? Math.max(0, Math.min(DEFAULT_LATENT_WEIGHT, 1 - denseWeight - (o.documentWeight ?? 0)));
  if (!(latentWeight >= 0 && latentWeight <= 1)) throw new UsageError(`latentWeight must be in [0, 1], got ${latentWeight}`);
  if (denseWeight + latentWeight > 1 + 1e-9)
    throw new UsageError(`denseWeight + latentWeight must be ≤ 1, got ${denseWeight} + ${latentWeight}`);
  const documentWeight = o.documentWeight ?? Math.min(DEFAULT_DOCUMENT_WEIGHT, Math.max(0, 1 - denseWeight - latentWeight));
  if (!(documentWeight >= 0 && documentWeight <= 1)) throw new UsageError(`documentWeight must be in [0, 1], got ${documentWeight}`);
  if (denseWeight + latentWeight + documentWeight > 1 + 1e-9)
    throw new UsageError(
      `denseWeight + latentWeight + documentWeight must be ≤ 1, got ${denseWeight} + ${latentWeight} + ${documentWeight}`,
    );
  const normalization = o.normalization ?? 'minmax';
  if (normalization !== 'minmax' && normalization !== 'zscore')
    throw new UsageError(`normalization must be minmax or zscore, got '${String(normalization)}'`);
  const feedbackDocs = o.feedbackDocs ?? 0;
  const feedbackTerms = o.feedbackTerms ?? 10;
  const feedbackWeight = o.feedbackWeight ?? 0.5;
  if (!Number.isInteger(feedbackDocs) || feedbackDocs < 0 || feedbackDocs > 1000)
    throw new UsageError(`feedbackDocs must be an integer in 0 .. 1000, got ${feedbackDocs}`);
  if (!Number.isInteger(feedbackTerms) || feedbackTerms < 1 || feedbackTerms > 10000)
    throw new UsageError(`feedbackTerms must be an integer in 1 .. 10000, got ${feedbackTerms}`);
  if (!(feedbackWeight >= 0 && feedbackWeight <= 1)) throw new UsageError(`feedbackWeight must be in [0, 1], got ${feedbackWeight}`);
  return { mode, rrfK, denseWeight, latentWeight, documentWeight, normalization, feedbackDocs, feedbackTerms, feedbackWeight };
}

/**
 * The index's fusion with a query's overrides on top. A weight the override does not give yields
 * when the given ones leave no room (latent first, then document, then dense), so `{ denseWeight: 0,
 * documentWeight: 1 }` works on an index whose settings carry a latent weight.
 */
export function overrideFusion(base: FusionOptions, override: FusionOptions = {}): Required<FusionOptions> {
  const merged = { ...base, ...override };
  const keys = ['latentWeight', 'documentWeight', 'denseWeight'] as const;
  const total = () => keys.reduce((t, k) => t + (merged[k] ?? 0), 0);
  for (const k of keys) {
    if (override[k] !== undefined || merged[k] === undefined) continue;
    const excess = total() - 1;
    if (excess <= 1e-12) break;
    const left = merged[k]! - excess;
    merged[k] = left > 1e-12 ? left : 0;
  }
  return fusionSettings(merged);
}

/** Default weight of the latent side (chosen on the tuning half of the npm README bench, docs/benchmarks.md). */
export const DEFAULT_LATENT_WEIGHT = 0.1;

/**
 * Default weight of the whole-document BM25 side: off. On the benchmark's three sets it moved the
 * hybrid by −0.2 % to +0.2 % MRR (docs/benchmarks.md) while it doubles the postings and adds ~40 %
 * to the query time; `tuneFusion` tries 0.2–0.6.
 */
export const DEFAULT_DOCUMENT_WEIGHT = 0;

/** A document and its score on one side (higher = better), best first. */
export interface ScoredKey {
  key: number;
  score: number;
}

/**
 * A list's scores on a common scale and the value of a document missing from it: min–max → [0, 1],
 * missing 0; z-score → (s − mean) / sd, missing = the list's lowest z (not retrieved = ranked below
 * the retrieved ones). A list whose scores are all equal gives 1 to its documents and 0 to the others.
 */
function normalized(list: readonly ScoredKey[], how: ScoreNormalization): { scores: Map<number, number>; missing: number } {
  const scores = new Map<number, number>();
  let lo = Infinity;
  let hi = -Infinity;
  let mean = 0;
  for (const h of list) {
    lo = Math.min(lo, h.score);
    hi = Math.max(hi, h.score);
    mean += h.score;
  }
  mean /= list.length;
  if (!(hi > lo)) {
    for (const h of list) scores.set(h.key, 1);
    return { scores, missing: 0 };
  }
  if (how === 'zscore') {
    let v = 0;
    for (const h of list) v += (h.score - mean) ** 2;
    const sd = Math.sqrt(v / list.length);
    for (const h of list) scores.set(h.key, (h.score - mean) / sd);
    return { scores, missing: (lo - mean) / sd };
  }
  for (const h of list) scores.set(h.key, (h.score - lo) / (hi - lo));
  return { scores, missing: 0 };
}

/**
 * Combines the dense, latent, whole-document BM25 and chunk BM25 rankings of documents into one,
 * best first (ties by key). An empty `latent` or `document` list (the index has no such side)
 * leaves its weight unused: the chunk BM25 side then gets it.
 */
export function fuseRankings(
  dense: readonly ScoredKey[],
  lexical: readonly ScoredKey[],
  options: FusionOptions = {},
  latent: readonly ScoredKey[] = [],
  document: readonly ScoredKey[] = [],
): ScoredKey[] {
  const settings = fusionSettings(options);
  const { mode, rrfK, denseWeight, normalization } = settings;
  if (mode === 'dense') return [...dense];
  if (mode === 'bm25') return [...lexical];
  if (mode === 'latent') return [...latent];
  const latentWeight = latent.length > 0 ? settings.latentWeight : 0;
  const documentWeight = document.length > 0 ? settings.documentWeight : 0;
  const sides: [readonly ScoredKey[], number][] = [
    [dense, denseWeight],
    [latent, latentWeight],
    [document, documentWeight],
    [lexical, Math.max(0, 1 - denseWeight - latentWeight - documentWeight)],
  ];
  const scores = new Map<number, number>();
  if (mode === 'rrf') {
    for (const [list, w] of sides)
      if (w > 0 || list === dense || list === lexical)
        list.forEach((h, r) => scores.set(h.key, (scores.get(h.key) ?? 0) + (2 * w) / (rrfK + r + 1)));
  } else {
    const all = new Set<number>();
    for (const [list, w] of sides) if (w > 0 || list === dense || list === lexical) for (const h of list) all.add(h.key);
    for (const [list, w] of sides) {
      if (list.length === 0 || w === 0) continue;
      const n = normalized(list, normalization);
      for (const key of all) scores.set(key, (scores.get(key) ?? 0) + w * (n.scores.get(key) ?? n.missing));
    }
    for (const key of all) if (!scores.has(key)) scores.set(key, 0);
  }
  const out: ScoredKey[] = [];
  for (const [key, score] of scores) out.push({ key, score });
  out.sort((a, b) => b.score - a.score || a.key - b.key);
  return out;
}
