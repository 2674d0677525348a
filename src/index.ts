// embedkit public API: re-exports only.
export * from './errors.js';
export { VERSION } from './version.js';
export type { Matrix } from './math/matrix.js';
export { dot, matVec, matMulT } from './math/dense.js';
export { TopK, topK, type TopKResult } from './math/topk.js';
export { pearson, spearman, rankdata } from './math/stats.js';
export * from './word/keyed-vectors.js';
export * from './text/index.js';
export { Vocabulary } from './text/vocabulary.js';
export { VocabScanner, type VocabularyOptions, type ScanResult } from './text/vocab-scanner.js';
export { sentencesFrom, tokenizedCorpus, toSentenceSource, type SentenceSource, type TrainingInput } from './text/sentence-source.js';
export { Word2Vec, trainWord2Vec, type TrainResult, type VocabSummary } from './word/word2vec/trainer.js';
export type { Word2VecOptions, ResolvedWord2VecOptions, TrainingProgress } from './word/word2vec/options.js';
export type { StreamSink } from './text/encoded-corpus.js';
export * from './io/index.js';
export * from './evaluate/index.js';
export * from './index/index.js';
