// Evaluation of word vectors against analogy and word-similarity data sets: re-exports only.
export { evaluateAnalogies, type AnalogyOptions, type AnalogyResult, type AnalogyScore, type AnalogySectionScore } from './analogies.js';
export type { AnalogyMethod } from './analogy-search.js';
export { parseAnalogies, type AnalogyQuestion, type AnalogySectionQuestions, type ParsedAnalogies } from './analogy-file.js';
export { evaluateWordPairs, type WordPairOptions, type WordPairResult } from './word-pairs.js';
export { parseWordPairs, type ParsedWordPairs, type WordPair } from './word-pairs-file.js';
export type { EvaluationSource } from './source.js';
