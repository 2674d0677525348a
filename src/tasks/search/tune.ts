import { UsageError } from '../../errors.js';
import { evaluateRankings } from '../../evaluate/ranking-metrics.js';
import type { FusionOptions } from './fusion.js';
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

/** The settings {@link tuneFusion} tries. */
export const FUSION_GRID: readonly Required<FusionOptions>[] = [
  ...[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7].flatMap((denseWeight) => [10, 60].map((rrfK) => ({ mode: 'rrf' as const, rrfK, denseWeight }))),
  ...[0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8].map((denseWeight) => ({ mode: 'convex' as const, rrfK: 60, denseWeight })),
];

/**
 * Chooses the fusion (mode, weight, RRF constant) with the best MRR@k on judged queries, and sets it
 * as the index's default (pass `apply: false` to only measure). Query embeddings are computed once.
 */
export async function tuneFusion(
  search: SemanticSearch,
  queries: readonly JudgedQuery[],
  options: { k?: number; apply?: boolean; grid?: readonly Required<FusionOptions>[] } = {},
): Promise<FusionTuning> {
  if (queries.length === 0) throw new UsageError('tuneFusion needs at least one judged query');
  const k = options.k ?? 10;
  const qrels = new Map(queries.map((q) => [q.id, new Set(q.relevant)]));
  const emb = await search.encoder.embed(
    queries.map((q) => q.text),
    { normalize: true },
  );
  const tried: FusionTuning['tried'] = [];
  for (const fusion of options.grid ?? FUSION_GRID) {
    const results = new Map<string | number, (string | number)[]>();
    for (let i = 0; i < queries.length; i++) {
      const vector = emb.data.slice(i * emb.dim, (i + 1) * emb.dim);
      const hits = await search.query({ text: queries[i].text, vector }, { k, fusion });
      results.set(
        queries[i].id,
        hits.map((h) => h.id),
      );
    }
    tried.push({ fusion, mrr: evaluateRankings(results, qrels, [k]).mrr });
  }
  const best = tried.reduce((a, b) => (b.mrr > a.mrr ? b : a));
  if (options.apply ?? true) search.setFusion(best.fusion);
  return { best: best.fusion, mrr: best.mrr, tried };
}
