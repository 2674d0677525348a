import { UsageError } from '../errors.js';

/** An item identifier in a ranking. */
export type RankedId = string | number;

/**
 * Relevance judgements of one query: a set of relevant ids (binary relevance), or a map from id to
 * a graded gain (> 0 = relevant; used as is by nDCG, as "relevant" by the other measures).
 */
export type Relevance = ReadonlySet<RankedId> | ReadonlyMap<RankedId, number>;

function checkK(k: number): void {
  if (!Number.isInteger(k) || k < 1) throw new UsageError(`k must be a positive integer, got ${k}`);
}

function gainOf(relevant: Relevance, id: RankedId): number {
  if (relevant instanceof Map) {
    const g = relevant.get(id) ?? 0;
    return Number.isFinite(g) && g > 0 ? g : 0;
  }
  return relevant.has(id) ? 1 : 0;
}

function relevantCount(relevant: Relevance): number {
  if (relevant instanceof Map) {
    let n = 0;
    for (const g of relevant.values()) if (Number.isFinite(g) && g > 0) n++;
    return n;
  }
  return relevant.size;
}

/** Distinct relevant ids among the first k of `ranked` (an id listed twice counts once). */
function hitsAtK(ranked: readonly RankedId[], relevant: Relevance, k: number): number {
  const seen = new Set<RankedId>();
  let hits = 0;
  for (let i = 0; i < Math.min(k, ranked.length); i++) {
    const id = ranked[i];
    if (seen.has(id)) continue;
    seen.add(id);
    if (gainOf(relevant, id) > 0) hits++;
  }
  return hits;
}

/** Precision@k: relevant items among the first k, divided by k (a list shorter than k is padded with misses). */
export function precisionAtK(ranked: readonly RankedId[], relevant: Relevance, k: number): number {
  checkK(k);
  return hitsAtK(ranked, relevant, k) / k;
}

/** Recall@k: relevant items among the first k, divided by the number of relevant items (0 when there are none). */
export function recallAtK(ranked: readonly RankedId[], relevant: Relevance, k: number): number {
  checkK(k);
  const total = relevantCount(relevant);
  return total === 0 ? 0 : hitsAtK(ranked, relevant, k) / total;
}

/** Hit rate@k: 1 when at least one relevant item is among the first k, else 0. */
export function hitRateAtK(ranked: readonly RankedId[], relevant: Relevance, k: number): number {
  checkK(k);
  return hitsAtK(ranked, relevant, k) > 0 ? 1 : 0;
}

/** Reciprocal rank: 1 / (1-based rank of the first relevant item), 0 when none is listed (or none within k). */
export function reciprocalRank(ranked: readonly RankedId[], relevant: Relevance, k = Infinity): number {
  if (k !== Infinity) checkK(k);
  for (let i = 0; i < Math.min(k, ranked.length); i++) if (gainOf(relevant, ranked[i]) > 0) return 1 / (i + 1);
  return 0;
}

/**
 * nDCG@k with linear gains (Järvelin & Kekäläinen 2002): DCG = Σ gain_i / log2(i + 1) over ranks
 * i = 1..k, divided by the DCG of the ideal ordering of the judged gains. An id listed twice gains
 * once. 0 when no item is relevant.
 */
export function ndcgAtK(ranked: readonly RankedId[], relevant: Relevance, k: number): number {
  checkK(k);
  const seen = new Set<RankedId>();
  let dcg = 0;
  for (let i = 0; i < Math.min(k, ranked.length); i++) {
    const id = ranked[i];
    if (seen.has(id)) continue;
    seen.add(id);
    dcg += gainOf(relevant, id) / Math.log2(i + 2);
  }
  const gains =
    relevant instanceof Map ? [...relevant.values()].filter((g) => Number.isFinite(g) && g > 0) : Array<number>(relevant.size).fill(1);
  gains.sort((a, b) => b - a);
  let ideal = 0;
  for (let i = 0; i < Math.min(k, gains.length); i++) ideal += gains[i] / Math.log2(i + 2);
  return ideal === 0 ? 0 : dcg / ideal;
}

/** Mean ranking figures over queries (see {@link evaluateRankings}). */
export interface RankingReport {
  /** Queries evaluated (those with at least one relevant item). */
  queries: number;
  /** Queries skipped because they have no relevant item judged. */
  skipped: number;
  /** Mean reciprocal rank (over the whole returned lists). */
  mrr: number;
  /** Per k: mean precision@k, recall@k, nDCG@k, hit rate@k. Keys are the k values. */
  precision: Record<number, number>;
  recall: Record<number, number>;
  ndcg: Record<number, number>;
  hitRate: Record<number, number>;
}

/**
 * Mean P@k, R@k, MRR, nDCG@k and hit rate@k of `results` (query id → ranked ids) against `qrels`
 * (query id → relevant ids). Every query of `qrels` is evaluated (a query without results scores
 * 0); queries without any relevant item are skipped and counted.
 */
export function evaluateRankings(
  results: ReadonlyMap<RankedId, readonly RankedId[]>,
  qrels: ReadonlyMap<RankedId, Relevance>,
  ks: readonly number[] = [1, 5, 10],
): RankingReport {
  if (ks.length === 0) throw new UsageError('ks must list at least one k');
  ks.forEach(checkK);
  const report: RankingReport = { queries: 0, skipped: 0, mrr: 0, precision: {}, recall: {}, ndcg: {}, hitRate: {} };
  for (const k of ks) report.precision[k] = report.recall[k] = report.ndcg[k] = report.hitRate[k] = 0;
  for (const [qid, relevant] of qrels) {
    if (relevantCount(relevant) === 0) {
      report.skipped++;
      continue;
    }
    const ranked = results.get(qid) ?? [];
    report.queries++;
    report.mrr += reciprocalRank(ranked, relevant);
    for (const k of ks) {
      report.precision[k] += precisionAtK(ranked, relevant, k);
      report.recall[k] += recallAtK(ranked, relevant, k);
      report.ndcg[k] += ndcgAtK(ranked, relevant, k);
      report.hitRate[k] += hitRateAtK(ranked, relevant, k);
    }
  }
  if (report.queries === 0) throw new UsageError('no query with a relevant item to evaluate');
  const n = report.queries;
  report.mrr /= n;
  for (const k of ks) {
    report.precision[k] /= n;
    report.recall[k] /= n;
    report.ndcg[k] /= n;
    report.hitRate[k] /= n;
  }
  return report;
}
