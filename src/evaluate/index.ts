/**
 * Evaluation of word vectors against analogy and word-similarity data sets (gensim's
 * `evaluate_word_analogies` and `evaluate_word_pairs`). Package entry `embedkit/evaluate`.
 * @module embedkit/evaluate
 */
export {
  ANALOGY_DEFAULTS,
  evaluateAnalogies,
  type AnalogyOptions,
  type AnalogyResult,
  type AnalogyScore,
  type AnalogySectionScore,
} from './analogies.js';
export type { AnalogyMethod } from './analogy-search.js';
export { parseAnalogies, type AnalogyQuestion, type AnalogySectionQuestions, type ParsedAnalogies } from './analogy-file.js';
export { evaluateWordPairs, WORD_PAIR_DEFAULTS, type WordPairOptions, type WordPairResult } from './word-pairs.js';
export { parseWordPairs, type ParsedWordPairs, type WordPair } from './word-pairs-file.js';
export type { EvaluationSource } from './source.js';
export { classificationReport, type ClassificationReport, type ClassScores } from './classification-metrics.js';
export { adjustedRandIndex, normalizedMutualInfo, silhouetteScore } from './clustering-metrics.js';
export { formatClassificationReport, formatTable } from './report-table.js';
export {
  evaluateRankings,
  hitRateAtK,
  ndcgAtK,
  precisionAtK,
  recallAtK,
  reciprocalRank,
  type RankedId,
  type RankingReport,
  type Relevance,
} from './ranking-metrics.js';
