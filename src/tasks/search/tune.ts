import { UsageError } from '../../errors.js';
import { evaluateRankings } from '../../evaluate/ranking-metrics.js';
import { fuseRankings, fusionSettings, type FusionOptions } from './fusion.js';
import type { SemanticSearch } from './semantic-search.js';

/** A query with its relevant document ids, for tuning and evaluation. */
export interface JudgedQuery {
  id: string | number;
  text: string;
  relevant: readonly (string | number)[];
}

/** Result of {@link tuneFusion}. */
export interface FusionTuning {
  best: Required<FusionOptions>;
  /** MRR of the best setting on the tuning queries. */
  mrr: number;
  /** Every setting tried with its MRR. */
  tried: { fusion: Required<FusionOptions>; mrr: number }[];
}

/** The settings {@link tuneFusion} tries (weights of the latent side only matter when the index has one). */
export const FUSION_GRID: readonly Required<FusionOptions>[] = [
  ...[0.1, 0.2, 0.3, 0.4, 0.5].flatMap((denseWeight) =>
    [0, 0.1, 0.2, 0.3].flatMap((latentWeight) => [10, 60].map((rrfK) => fusionSettings({ mode: 'rrf', rrfK, denseWeight, latentWeight }))),
  ),
  ...[0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8].flatMap((denseWeight) =>
    [0, 0.1, 0.2, 0.3, 0.4]
      .filter((latentWeight) => denseWeight + latentWeight <= 0.9 + 1e-9)
      .flatMap((latentWeight) =>
        [0, 0.2, 0.4, 0.6]
          .filter((documentWeight) => denseWeight + latentWeight + documentWeight <= 0.9 + 1e-9)
          .flatMap((documentWeight) =>
            (['minmax', 'zscore'] as const).map((normalization) =>
              fusionSettings({ mode: 'convex', denseWeight, latentWeight, documentWeight, normalization }),
            ),
          ),
      ),
  ),
];

/**
 * Chooses the fusion (mode, weights, RRF constant, normalisation) with the best MRR@k on judged
 * queries (ties: the first in the grid), and sets it as the index's default (pass `apply: false`
 * to only measure). Each query's dense, BM25 and latent rankings are computed once and fused
 * under every setting.
 */
export async function tuneFusion(
  search: SemanticSearch,
  queries: readonly JudgedQuery[],
  options: { k?: number; apply?: boolean; grid?: readonly Required<FusionOptions>[]; candidates?: number } = {},
): Promise<FusionTuning> {
  if (queries.length === 0) throw new UsageError('tuneFusion needs at least one judged query');
  const k = options.k ?? 10;
  const qrels = new Map(queries.map((q) => [q.id, new Set(q.relevant)]));
  const emb = await search.encoder.embed(
    queries.map((q) => q.text),
    { normalize: true },
  );
  const sides: Awaited<ReturnType<SemanticSearch['sideRankings']>>[] = [];
  for (let i = 0; i < queries.length; i++) {
    const vector = emb.data.slice(i * emb.dim, (i + 1) * emb.dim);
    sides.push(await search.sideRankings({ text: queries[i].text, vector }, options.candidates ?? Math.max(50, 5 * k)));
  }
  const hasLatent = search.latent !== undefined;
  // the grid varies the fusion; the BM25 side keeps the index's feedback setting
  const { feedbackDocs, feedbackTerms, feedbackWeight } = search.settings.fusion;
  const feedback = { feedbackDocs, feedbackTerms, feedbackWeight };
  const tried: FusionTuning['tried'] = [];
  for (const fusion of options.grid ?? FUSION_GRID) {
    if (!hasLatent && fusion.latentWeight > 0) continue;
    const results = new Map<string | number, (string | number)[]>();
    queries.forEach((q, i) => {
      const s = sides[i];
      const fused = fuseRankings(s.dense, s.lexical, { ...fusion, ...feedback }, hasLatent ? s.latent : [], s.document);
      results.set(
        q.id,
        fused.slice(0, k).map((h) => search.documentIdOf(h.key)),
      );
    });
    tried.push({ fusion: { ...fusion, ...feedback }, mrr: evaluateRankings(results, qrels, [k]).mrr });
  }
  if (tried.length === 0) throw new UsageError('tuneFusion: no setting of the grid applies to this index');
  const best = tried.reduce((a, b) => (b.mrr > a.mrr ? b : a));
  if (options.apply ?? true) search.setFusion(best.fusion);
  return { best: best.fusion, mrr: best.mrr, tried };
}
